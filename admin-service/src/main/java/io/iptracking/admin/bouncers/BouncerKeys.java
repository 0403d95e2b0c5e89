package io.iptracking.admin.bouncers;

import io.iptracking.admin.audit.AuditLog;
import io.iptracking.common.apikey.ApiKey;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes and revokes bouncer keys, each with its audit record in the same transaction: what the API
 * ({@code /api/v1/bouncers}) and the command line ({@code add-bouncer}, {@code delete-bouncer}) do.
 * Authenticates a presented key against the live keys' hashes held in memory, read again after each
 * change here and at most every {@link #RELOAD} (a key revoked through another instance stops working
 * within that), so a request with a wrong key costs no database query.
 */
public final class BouncerKeys {

    /** How long the live keys are taken as known. */
    static final Duration RELOAD = Duration.ofSeconds(5);

    private record Known(Map<ByteBuffer, Bouncers.Bouncer> keys, Instant at) {
    }

    private volatile Known known;

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
        Bouncers.Created created = tx.execute(status -> {
            Instant now = clock.instant();
            Bouncers.Created c = bouncers.create(name, actor, now);
            audit.record(now, actor, AuditLog.Action.BOUNCER_ADDED, "bouncer:" + name, null, Map.of("name", name));
            return c;
        });
        known = null;
        return created;
    }

    /** The live bouncer whose key this is. */
    public Optional<Bouncers.Bouncer> authenticate(String key) {
        Known k = known;
        Instant now = clock.instant();
        if (k == null || now.isAfter(k.at().plus(RELOAD)) || now.isBefore(k.at())) {
            synchronized (this) {
                k = known;
                if (k == null || now.isAfter(k.at().plus(RELOAD)) || now.isBefore(k.at())) {
                    k = new Known(bouncers.liveKeys(), now);
                    known = k;
                }
            }
        }
        return Optional.ofNullable(k.keys().get(ByteBuffer.wrap(ApiKey.hash(key))));
    }

    /** False when no live bouncer has that name. */
    public boolean revoke(String name, String actor) {
        boolean revoked = Boolean.TRUE.equals(tx.execute(status -> {
            Instant now = clock.instant();
            if (!bouncers.revoke(name, now)) {
                return false;
            }
            audit.record(now, actor, AuditLog.Action.BOUNCER_REVOKED, "bouncer:" + name, Map.of("name", name), null);
            return true;
        }));
        known = null;
        return revoked;
    }

    public List<Bouncers.Bouncer> live() {
        return bouncers.live();
    }
}
