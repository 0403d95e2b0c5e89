package io.iptracking.admin.bouncers;

import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.ip.Cidr;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code bouncer} and {@code bouncer_decision} tables: CrowdSec bouncers with their keys (only a
 * key's SHA-256 is stored; the key is shown once, when made), and what each holds: the decisions of
 * the last answer it received in full.
 */
public final class Bouncers {

    /** A bouncer's name: letters, digits, dot, dash, underscore, 1 to 64, starting with a letter or digit. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** A bouncer as listed: never its key. */
    public record Bouncer(long id, String name, Instant createdAt, String createdBy, Instant lastPullAt) {
    }

    /** A new bouncer and its key, which nothing keeps. */
    public record Created(Bouncer bouncer, String apiKey) {
    }

    /** A live bouncer has that name already. */
    public static final class NameTakenException extends RuntimeException {

        NameTakenException(String name) {
            super("a bouncer named '" + name + "' exists: revoke it first, or choose another name");
        }
    }

    private static final String COLUMNS = "id, name, created_at, created_by, last_pull_at";

    private final JdbcClient jdbc;

    public Bouncers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws IllegalArgumentException for a name that is not {@link #NAME} */
    public Created create(String name, String actor, Instant now) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a bouncer's name is 1 to 64 letters, digits, '.', '-' or '_', starting with a "
                    + "letter or digit");
        }
        String key = ApiKey.generate();
        try {
            long id = jdbc.sql("insert into bouncer (name, key_sha256, created_at, created_by) values (:name, :key, :now, :actor) "
                            + "returning id")
                    .param("name", name).param("key", ApiKey.hash(key)).param("now", Timestamp.from(now)).param("actor", actor)
                    .query(Long.class).single();
            return new Created(new Bouncer(id, name, now, actor, null), key);
        } catch (DuplicateKeyException e) {
            throw new NameTakenException(name);
        }
    }

    public List<Bouncer> live() {
        return jdbc.sql("select " + COLUMNS + " from bouncer where revoked_at is null order by name").query(Bouncers::bouncer).list();
    }

    /** Revokes the live bouncer of that name and forgets what it holds; false when there is none. */
    public boolean revoke(String name, Instant now) {
        // The update locks the row: a pull still running waits, then finds the bouncer revoked.
        List<Long> ids = jdbc.sql("update bouncer set revoked_at = :now where name = :name and revoked_at is null returning id")
                .param("now", Timestamp.from(now)).param("name", name).query(Long.class).list();
        ids.forEach(id -> jdbc.sql("delete from bouncer_decision where bouncer_id = :id").param("id", id).update());
        return !ids.isEmpty();
    }

    /** What the bouncer pulling from {@code client} holds: the decisions of the last answer written to it. */
    public Map<Cidr, Decision> held(long bouncerId, String client) {
        Map<Cidr, Decision> held = new LinkedHashMap<>();
        jdbc.sql("select value::text as value, decision_id, until, scenario from bouncer_decision where bouncer_id = :id "
                        + "and client = cast(:client as inet)")
                .param("id", bouncerId).param("client", client).query(rs -> {
                    Cidr value = Cidr.parse(rs.getString("value"));
                    held.put(value, new Decision(rs.getLong("decision_id"), rs.getString("scenario"), value,
                            rs.getTimestamp("until").toInstant()));
                });
        return held;
    }

    /**
     * After an answer was written: the bouncer pulling from {@code client} now holds {@code delta}
     * applied to what it held. Nothing when the bouncer was revoked meanwhile (the row lock orders this
     * after a revocation, whose deletion would otherwise be undone).
     */
    public void advance(long bouncerId, String client, Decisions.Delta delta, Instant pulledAt) {
        if (!live(bouncerId)) {
            return;
        }
        for (Decision d : delta.deleted()) {
            jdbc.sql("delete from bouncer_decision where bouncer_id = :id and client = cast(:client as inet) and value = cast(:value as cidr)")
                    .param("id", bouncerId).param("client", client).param("value", d.value().toString()).update();
        }
        for (Decision d : delta.added()) {
            jdbc.sql("insert into bouncer_decision (bouncer_id, client, value, decision_id, until, scenario) "
                            + "values (:id, cast(:client as inet), cast(:value as cidr), :decision, :until, :scenario) "
                            + "on conflict (bouncer_id, client, value) do update "
                            + "set decision_id = excluded.decision_id, until = excluded.until, scenario = excluded.scenario")
                    .param("id", bouncerId).param("client", client).param("value", d.value().toString()).param("decision", d.id())
                    .param("until", Timestamp.from(d.until())).param("scenario", d.scenario()).update();
        }
        jdbc.sql("update bouncer set last_pull_at = :at where id = :id").param("at", Timestamp.from(pulledAt)).param("id", bouncerId)
                .update();
    }

    /** After a start-up answer was written: the bouncer pulling from {@code client} holds exactly {@code current}. */
    public void replace(long bouncerId, String client, Map<Cidr, Decision> current, Instant pulledAt) {
        if (!live(bouncerId)) {
            return;
        }
        jdbc.sql("delete from bouncer_decision where bouncer_id = :id and client = cast(:client as inet)").param("id", bouncerId)
                .param("client", client).update();
        advance(bouncerId, client, new Decisions.Delta(List.copyOf(current.values()), List.of()), pulledAt);
    }

    /** Locks the bouncer's row until the transaction ends; false when it is revoked. */
    private boolean live(long bouncerId) {
        return jdbc.sql("select 1 from bouncer where id = :id and revoked_at is null for update").param("id", bouncerId)
                .query(Integer.class).optional().isPresent();
    }

    /** The SHA-256 of every live bouncer's key, with its bouncer. */
    public Map<java.nio.ByteBuffer, Bouncer> liveKeys() {
        Map<java.nio.ByteBuffer, Bouncer> keys = new java.util.HashMap<>();
        jdbc.sql("select key_sha256, " + COLUMNS + " from bouncer where revoked_at is null")
                .query(rs -> {
                    keys.put(java.nio.ByteBuffer.wrap(rs.getBytes("key_sha256")), bouncer(rs, 0));
                });
        return keys;
    }

    /** The addresses the bouncer pulls from, other than {@code client}, whose cursors are kept. */
    public long otherClients(long bouncerId, String client) {
        return jdbc.sql("select count(distinct client) from bouncer_decision where bouncer_id = :id and client <> cast(:client as inet)")
                .param("id", bouncerId).param("client", client).query(Long.class).single();
    }

    /** How many bouncers hold a decision of exactly {@code value}. */
    public long holding(Cidr value) {
        return jdbc.sql("select count(*) from bouncer_decision where value = cast(:value as cidr)").param("value", value.toString())
                .query(Long.class).single();
    }

    /** Replaces {@code pattern} (an erased IP) by {@code pseudonym} in the scenarios bouncers hold. */
    public int pseudonymizeScenarios(String pattern, String pseudonym) {
        return jdbc.sql("update bouncer_decision set scenario = regexp_replace(scenario, :p, :r, 'gi') where scenario ~* :p")
                .param("p", pattern).param("r", pseudonym).update();
    }

    private static Bouncer bouncer(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        Timestamp last = rs.getTimestamp("last_pull_at");
        return new Bouncer(rs.getLong("id"), rs.getString("name"), rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"), last == null ? null : last.toInstant());
    }
}
