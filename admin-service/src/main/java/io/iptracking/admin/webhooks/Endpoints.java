package io.iptracking.admin.webhooks;

import io.iptracking.admin.audit.AuditLog;
import io.iptracking.admin.web.InvalidFieldException;
import io.iptracking.admin.web.Params;
import java.net.URI;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code webhook_endpoint} table, and the only way endpoints are made and deleted (API and command
 * line alike): validated, limited in number, audited in the same transaction. The secret is returned
 * once, when the endpoint is made.
 */
public final class Endpoints {

    /** The longest description. */
    public static final int MAX_DESCRIPTION = 200;

    /** An endpoint as listed: never its secret. */
    public record Endpoint(long id, String url, List<EventType> events, String description, Instant createdAt, String createdBy) {
    }

    /** A new endpoint and its secret, which is shown this once. */
    public record Created(Endpoint endpoint, String secret) {

        @Override
        public String toString() {
            return "Created[" + endpoint + "]";
        }
    }

    /** There are as many live endpoints as {@code admin.webhooks.max-endpoints} allows. */
    public static final class LimitReachedException extends RuntimeException {

        LimitReachedException(int max) {
            super("there are " + max + " webhook endpoints already (ADMIN_WEBHOOKS_MAX_ENDPOINTS): delete one first");
        }
    }

    private static final String COLUMNS = "id, url, event_types, description, created_at, created_by";

    private final JdbcClient jdbc;
    private final Destinations destinations;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final int maxEndpoints;

    public Endpoints(JdbcClient jdbc, Destinations destinations, AuditLog audit, TransactionTemplate tx, Clock clock,
            int maxEndpoints) {
        this.jdbc = jdbc;
        this.destinations = destinations;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.maxEndpoints = maxEndpoints;
    }

    /**
     * @param events event type names ({@code flag.raised}, ...): at least one, each known
     * @throws InvalidFieldException for a bad url, events or description (field {@code url}, {@code events},
     *     {@code description})
     * @throws LimitReachedException when there are {@code max-endpoints} live endpoints
     */
    public Created add(String url, List<String> events, String description, String actor) {
        URI checked;
        try {
            checked = destinations.check(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("url", e.getMessage());
        }
        List<EventType> types = eventTypes(events);
        String text = description == null ? "" : Params.text("description", description, MAX_DESCRIPTION);
        String secret = Signature.newSecret();
        return tx.execute(status -> {
            // One at a time, so that two concurrent adds cannot both pass the limit.
            jdbc.sql("lock table webhook_endpoint in share row exclusive mode").update();
            long live = jdbc.sql("select count(*) from webhook_endpoint where deleted_at is null").query(Long.class).single();
            if (live >= maxEndpoints) {
                throw new LimitReachedException(maxEndpoints);
            }
            Instant now = clock.instant();
            String[] names = types.stream().map(EventType::wireName).toArray(String[]::new);
            long id = jdbc.sql("insert into webhook_endpoint (url, event_types, secret, description, created_at, created_by) "
                            + "values (:url, :events, :secret, :description, :now, :actor) returning id")
                    .param("url", checked.toString()).param("events", names).param("secret", secret)
                    .param("description", text).param("now", Timestamp.from(now)).param("actor", actor)
                    .query(Long.class).single();
            Endpoint endpoint = new Endpoint(id, checked.toString(), types, text, now, actor);
            audit.record(now, actor, AuditLog.Action.WEBHOOK_ADDED, subject(id), null, auditView(endpoint));
            return new Created(endpoint, secret);
        });
    }

    /** Deletes a live endpoint: its pending deliveries are dropped, its history stays until retention. False when there is none. */
    public boolean delete(long id, String actor) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            Instant now = clock.instant();
            // The secret goes: nothing is signed for a deleted endpoint.
            Optional<Endpoint> existing = jdbc.sql("update webhook_endpoint set deleted_at = :now, secret = 'whsec_deleted' "
                            + "where id = :id and deleted_at is null returning " + COLUMNS)
                    .param("now", Timestamp.from(now)).param("id", id).query(Endpoints::endpoint).optional();
            if (existing.isEmpty()) {
                return false;
            }
            jdbc.sql("delete from webhook_delivery where endpoint_id = :id and status = 'PENDING'").param("id", id).update();
            audit.record(now, actor, AuditLog.Action.WEBHOOK_DELETED, subject(id), auditView(existing.get()), null);
            return true;
        }));
    }

    public List<Endpoint> live() {
        return jdbc.sql("select " + COLUMNS + " from webhook_endpoint where deleted_at is null order by id").query(Endpoints::endpoint)
                .list();
    }

    public Optional<Endpoint> find(long id) {
        return jdbc.sql("select " + COLUMNS + " from webhook_endpoint where id = :id and deleted_at is null").param("id", id)
                .query(Endpoints::endpoint).optional();
    }

    /** Event type names as given: at least one, each known; duplicates are folded. */
    static List<EventType> eventTypes(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new InvalidFieldException("events", "must name at least one of " + known());
        }
        if (names.size() > 16) {
            throw new InvalidFieldException("events", "names more than 16 event types");
        }
        Set<EventType> types = new LinkedHashSet<>();
        for (String name : names) {
            EventType type = name == null ? null : EventType.ofWireName(name.strip()).orElse(null);
            if (type == null) {
                throw new InvalidFieldException("events", "'" + (name == null ? "null" : Params.printable(name))
                        + "' is not one of " + known());
            }
            types.add(type);
        }
        return new ArrayList<>(types);
    }

    private static String known() {
        return Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.joining(", "));
    }

    /** The URL's scheme, host and port, and "/…" when it has more: what a viewer and the audit log see of it. */
    public static String origin(String url) {
        URI uri = URI.create(url);
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        boolean more = (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null;
        return origin + (more ? "/…" : "/");
    }

    private static String subject(long id) {
        return "webhook:" + id;
    }

    private static Map<String, Object> auditView(Endpoint e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("url", origin(e.url()));
        view.put("events", e.events().stream().map(EventType::wireName).toList());
        view.put("description", e.description());
        return view;
    }

    private static Endpoint endpoint(ResultSet rs, int row) throws SQLException {
        Array array = rs.getArray("event_types");
        List<EventType> events = Arrays.stream((String[]) array.getArray()).map(n -> EventType.ofWireName(n).orElseThrow()).toList();
        return new Endpoint(rs.getLong("id"), rs.getString("url"), events, rs.getString("description"),
                rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"));
    }
}
