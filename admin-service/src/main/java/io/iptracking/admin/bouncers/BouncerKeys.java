package io.iptracking.admin.bouncers;

import io.iptracking.admin.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes and revokes bouncer keys, each with its audit record in the same transaction: what the API
 * ({@code /api/v1/bouncers}) and the command line ({@code add-bouncer}, {@code delete-bouncer}) do.
 */
public final class BouncerKeys {

    private final Bouncers bouncers;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    public BouncerKeys(Bouncers bouncers, AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.bouncers = bouncers;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * @throws IllegalArgumentException for a name that is not {@link Bouncers#NAME}
     * @throws Bouncers.NameTakenException when a live bouncer has it
     */
    public Bouncers.Created add(String name, String actor) {
        return tx.execute(status -> {
            Instant now = clock.instant();
            Bouncers.Created c = bouncers.create(name, actor, now);
            audit.record(now, actor, AuditLog.Action.BOUNCER_ADDED, "bouncer:" + name, null, Map.of("name", name));
            return c;
        });
    }

    /** False when no live bouncer has that name. */
    public boolean revoke(String name, String actor) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            Instant now = clock.instant();
            if (!bouncers.revoke(name, now)) {
                return false;
            }
            audit.record(now, actor, AuditLog.Action.BOUNCER_REVOKED, "bouncer:" + name, Map.of("name", name), null);
            return true;
        }));
    }

    public List<Bouncers.Bouncer> live() {
        return bouncers.live();
    }
}
