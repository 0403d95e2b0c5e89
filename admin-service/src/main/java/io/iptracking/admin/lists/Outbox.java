package io.iptracking.admin.lists;

import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code blocklist_outbox} table: changes to the blocklist topic, written in the transaction of
 * the change, published and deleted by the {@link BlocklistRelay}.
 */
public final class Outbox {

    /** The channel a committed change notifies; the relay listens on it. */
    public static final String CHANNEL = "ipt_blocklist_outbox";

    /**
     * One change to publish; a null entry is a tombstone.
     *
     * @param createdAt when the change was committed; null for a record the reconciler makes
     */
    public record Change(long id, Cidr cidr, ListEntry entry, Instant createdAt) {
    }

    private final JdbcClient jdbc;

    public Outbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues a record (or a tombstone, for null) and notifies the relay when the transaction commits. */
    void append(Cidr cidr, ListEntry entryOrNull, Instant now) {
        String value = entryOrNull == null ? null
                : new String(Topics.BLOCKLIST.valueSerde().serializer().serialize(Topics.BLOCKLIST.name(), entryOrNull),
                        StandardCharsets.UTF_8);
        jdbc.sql("insert into blocklist_outbox (cidr, value, created_at) values (cast(:cidr as cidr), :value, :now)")
                .param("cidr", cidr.toString()).param("value", value).param("now", ListEntries.ts(now)).update();
        // Delivered at commit, and only then; several in one transaction are folded into one.
        jdbc.sql("select pg_notify('" + CHANNEL + "', '')").query((rs, n) -> 1).list();
    }

    /** The oldest pending changes, in the order they were made. */
    List<Change> oldest(int limit) {
        return jdbc.sql("select id, cidr::text as cidr, value, created_at from blocklist_outbox order by id limit :limit")
                .param("limit", limit)
                .query((rs, n) -> {
                    String value = rs.getString("value");
                    ListEntry entry = value == null ? null : Topics.BLOCKLIST.valueSerde().deserializer()
                            .deserialize(Topics.BLOCKLIST.name(), value.getBytes(StandardCharsets.UTF_8));
                    return new Change(rs.getLong("id"), Cidr.parse(rs.getString("cidr")), entry,
                            rs.getTimestamp("created_at").toInstant());
                }).list();
    }

    void deleteUpTo(long id) {
        jdbc.sql("delete from blocklist_outbox where id <= :id").param("id", id).update();
    }

    /** The CIDRs that have changes waiting to be published. */
    Set<Cidr> pendingCidrs() {
        return jdbc.sql("select distinct cidr::text from blocklist_outbox").query(String.class).list().stream()
                .map(Cidr::parse).collect(Collectors.toSet());
    }

    public long pending() {
        return jdbc.sql("select count(*) from blocklist_outbox").query(Long.class).single();
    }
}
