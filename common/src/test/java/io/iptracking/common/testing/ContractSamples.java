package io.iptracking.common.testing;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Evidence;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One fully populated, valid value of each topic contract, with fixed ids and instants, for tests in
 * every module. Documentation addresses only (RFC 5737, RFC 3849) and a private-use AS number.
 */
public final class ContractSamples {

    public static final Instant NOW = Instant.parse("2026-05-04T10:15:31.002Z");

    private ContractSamples() {
    }

    public static RequestEvent requestEvent() {
        return new RequestEvent(UUID.fromString("0b6f6a52-3c1e-4d0f-8a8e-5f2d9c7b1a01"),
                Instant.parse("2026-05-04T10:15:30.250Z"), ClientIp.parse("203.0.113.7"), "GET", "shop.example",
                "/.env", 404, 3L, "curl/8.5.0", null, Decision.ALLOWED, null, Mode.PROXY);
    }

    public static Geo geo() {
        return new Geo("NL", "Netherlands", "Amsterdam", 52.37, 4.89, 64496L, "Example Hosting B.V.", false);
    }

    public static EnrichedRequestEvent enrichedRequestEvent() {
        return new EnrichedRequestEvent(requestEvent(), geo());
    }

    public static FlaggedIp flaggedIp() {
        return new FlaggedIp(UUID.fromString("3f1c2b7e-8a4d-4e2f-9b61-0c5d7e8f9a10"), ClientIp.parse("203.0.113.7"),
                FlagRule.SCANNING, "203.0.113.7 requested 412 distinct paths in one hour, 96% of them answered 404.",
                Severity.HIGH, 0.93, Instant.parse("2026-05-04T09:15:30.250Z"), Instant.parse("2026-05-04T10:15:30.250Z"),
                540,
                new Evidence(Map.of("requests", 540L, "distinctPaths", 412L), Map.of("distinctPaths", 200.0),
                        List.of("/.env", "/wp-login.php"), Map.of(404, 518L, 200, 22L)),
                geo(), NOW);
    }

    /** A flag of an IPv6 client counted by its /64: {@link FlaggedIp#network()} is present. */
    public static FlaggedIp flaggedNetwork() {
        FlaggedIp f = flaggedIp();
        return new FlaggedIp(UUID.fromString("5a7d1e2c-9b3f-4c6a-8e1d-2f4b6c8d0e12"), ClientIp.parse("2001:db8:7:7::1b"),
                f.rule(), "2001:db8:7:7::/64 requested 412 distinct paths in one hour, 96% of them answered 404.",
                f.severity(), f.score(), f.windowStart(), f.windowEnd(), f.requestCount(), f.evidence(), f.geo(),
                f.detectedAt(), Cidr.parse("2001:db8:7:7::/64"));
    }

    public static ListEntry listEntry() {
        return new ListEntry(Cidr.parse("198.51.100.0/24"), ListAction.BLOCK, "Credential stuffing against /login",
                ListSource.MANUAL, "alice", Instant.parse("2026-05-04T10:20:00Z"), Instant.parse("2026-05-11T10:20:00Z"));
    }
}
