package io.iptracking.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.testing.ContractSamples;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventRecordsTest {

    private static final Instant T = Instant.parse("2026-05-04T10:00:00Z");
    private static final ClientIp IP = ClientIp.parse("203.0.113.7");

    @Test
    void convenienceConstructorsWriteTheCurrentSchemaVersion() {
        assertThat(ContractSamples.requestEvent().schemaVersion()).isEqualTo(1);
        assertThat(ContractSamples.enrichedRequestEvent().schemaVersion()).isEqualTo(1);
        assertThat(ContractSamples.flaggedIp().schemaVersion()).isEqualTo(1);
        assertThat(ContractSamples.listEntry().schemaVersion()).isEqualTo(1);
    }

    @Test
    void aSchemaVersionBelowOneIsRejected() {
        assertThatThrownBy(() -> new EnrichedRequestEvent(0, ContractSamples.requestEvent(), Geo.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EnrichedRequestEvent.schemaVersion must be 1 or greater, was 0");
    }

    @Test
    void aNewerSchemaVersionIsAccepted() {
        assertThat(new EnrichedRequestEvent(2, ContractSamples.requestEvent(), Geo.UNKNOWN).schemaVersion()).isEqualTo(2);
    }

    @Test
    void requestEventRejectsMissingRequiredFields() {
        assertThatThrownBy(() -> request(null, IP, "GET", "/", 200, 1L, Decision.ALLOWED, Mode.PROXY))
                .isInstanceOf(NullPointerException.class).hasMessage("RequestEvent.timestamp must not be null");
        assertThatThrownBy(() -> request(T, null, "GET", "/", 200, 1L, Decision.ALLOWED, Mode.PROXY))
                .isInstanceOf(NullPointerException.class).hasMessage("RequestEvent.ip must not be null");
        assertThatThrownBy(() -> request(T, IP, " ", "/", 200, 1L, Decision.ALLOWED, Mode.PROXY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("RequestEvent.method must not be blank");
        assertThatThrownBy(() -> request(T, IP, "GET", null, 200, 1L, Decision.ALLOWED, Mode.PROXY))
                .isInstanceOf(NullPointerException.class).hasMessage("RequestEvent.path must not be null");
        assertThatThrownBy(() -> request(T, IP, "GET", "/", 200, 1L, null, Mode.PROXY))
                .isInstanceOf(NullPointerException.class).hasMessage("RequestEvent.decision must not be null");
        assertThatThrownBy(() -> request(T, IP, "GET", "/", 200, 1L, Decision.ALLOWED, null))
                .isInstanceOf(NullPointerException.class).hasMessage("RequestEvent.mode must not be null");
    }

    @Test
    void requestEventRejectsImpossibleStatusAndLatency() {
        assertThatThrownBy(() -> request(T, IP, "GET", "/", 99, 1L, Decision.ALLOWED, Mode.PROXY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RequestEvent.status must be an HTTP status (100-599), was 99");
        assertThatThrownBy(() -> request(T, IP, "GET", "/", 600, 1L, Decision.ALLOWED, Mode.PROXY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RequestEvent.status must be an HTTP status (100-599), was 600");
        assertThatThrownBy(() -> request(T, IP, "GET", "/", 200, -1L, Decision.ALLOWED, Mode.PROXY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RequestEvent.latencyMs must not be negative, was -1");
    }

    @Test
    void requestEventTextThatAStoreOrALogCannotHoldIsRefused() {
        RequestEvent r = ContractSamples.requestEvent();
        for (String bad : List.of("/a\u0000b", "/a\r\nX-Forged: 1", "/a\tb", "/a\u007fb", "/a\u0085b", "/a\u2028b", "/a\ud800b")) {
            assertThatThrownBy(() -> withPath(r, bad)).as("path %s", bad.codePoints().boxed().toList())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("RequestEvent.path");
        }
        assertThatThrownBy(() -> withPath(r, "/" + "a".repeat(RequestEvent.MAX_PATH)))
                .hasMessage("RequestEvent.path must be at most 2048 characters, was 2049");
        assertThat(withPath(r, "/" + "a".repeat(RequestEvent.MAX_PATH - 1)).path()).hasSize(RequestEvent.MAX_PATH);
        // Text beyond ASCII is fine when it is well-formed: a pair of surrogates is one character.
        assertThat(withPath(r, "/caf\u00e9/\ud83d\ude00").path()).isEqualTo("/caf\u00e9/\ud83d\ude00");
        assertThatThrownBy(() -> new RequestEvent(UUID.randomUUID(), r.timestamp(), r.ip(), "GET", r.host(), "/", 200, 1L,
                "u".repeat(RequestEvent.MAX_USER_AGENT + 1), null, Decision.ALLOWED, null, Mode.PROXY))
                .hasMessageStartingWith("RequestEvent.userAgent must be at most 512");
        assertThatThrownBy(() -> new RequestEvent(UUID.randomUUID(), r.timestamp(), r.ip(), "GET", "evil\r\nhost", "/", 200, 1L,
                null, null, Decision.ALLOWED, null, Mode.PROXY)).hasMessageStartingWith("RequestEvent.host");
    }

    @Test
    void instantsOutsideTheYearsOneTo9999AreRefused() {
        RequestEvent r = ContractSamples.requestEvent();
        for (String t : List.of("+300000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z")) {
            assertThatThrownBy(() -> new RequestEvent(UUID.randomUUID(), Instant.parse(t), r.ip(), "GET", null, "/", 200, 1L,
                    null, null, Decision.ALLOWED, null, Mode.PROXY)).hasMessageContaining("within the years 1 to 9999");
        }
        assertThat(new RequestEvent(UUID.randomUUID(), Instant.parse("9999-12-31T23:59:59Z"), r.ip(), "GET", null, "/", 200, 1L,
                null, null, Decision.ALLOWED, null, Mode.PROXY).timestamp()).isEqualTo("9999-12-31T23:59:59Z");
        FlaggedIp f = ContractSamples.flaggedIp();
        assertThatThrownBy(() -> new FlaggedIp(UUID.randomUUID(), f.ip(), f.rule(), f.reason(), f.severity(), f.score(),
                f.windowStart(), f.windowEnd(), f.requestCount(), f.evidence(), f.geo(), Instant.parse("+300000-01-01T00:00:00Z")))
                .hasMessageContaining("FlaggedIp.detectedAt");
        assertThatThrownBy(() -> new FlaggedIp(UUID.randomUUID(), f.ip(), f.rule(), "line\nbreak", f.severity(), f.score(),
                f.windowStart(), f.windowEnd(), f.requestCount(), f.evidence(), f.geo(), f.detectedAt()))
                .hasMessageStartingWith("FlaggedIp.reason");
    }

    private static RequestEvent withPath(RequestEvent r, String path) {
        return new RequestEvent(r.eventId(), r.timestamp(), r.ip(), r.method(), r.host(), path, r.status(), r.latencyMs(),
                r.userAgent(), r.subject(), r.decision(), r.rule(), r.mode());
    }

    @Test
    void checkModeEventsHaveNoStatus() {
        RequestEvent e = request(T, IP, "GET", "/", null, null, Decision.BLOCKED, Mode.CHECK);
        assertThat(e.status()).isNull();
        assertThat(e.latencyMs()).isNull();
    }

    @Test
    void geoRejectsValuesNoDatabaseGives() {
        assertThatThrownBy(() -> new Geo("nl", null, null, null, null, null, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Geo.countryCode must be two upper-case letters (ISO 3166-1 alpha-2), was 'nl'");
        assertThatThrownBy(() -> new Geo("NLD", null, null, null, null, null, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Geo.countryCode must be two upper-case letters (ISO 3166-1 alpha-2), was 'NLD'");
        assertThatThrownBy(() -> new Geo(null, null, null, 90.5, 0.0, null, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Geo.latitude must be between -90 and 90, was 90.5");
        assertThatThrownBy(() -> new Geo(null, null, null, 0.0, Double.NaN, null, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Geo.longitude must be between -180 and 180, was NaN");
        assertThatThrownBy(() -> new Geo(null, null, null, null, null, 4_294_967_296L, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Geo.asn must be a 32-bit AS number (0-4294967295), was 4294967296");
        assertThat(new Geo("DE", null, null, -90.0, 180.0, 4_294_967_295L, null, false).asn()).isEqualTo(4_294_967_295L);
        assertThat(Geo.unknown()).isSameAs(Geo.UNKNOWN);
        assertThat(Geo.PRIVATE.privateAddress()).isTrue();
    }

    @Test
    void enrichedRequestEventNeedsRequestAndGeo() {
        assertThatThrownBy(() -> new EnrichedRequestEvent(null, Geo.UNKNOWN))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("EnrichedRequestEvent.request must not be null");
        assertThatThrownBy(() -> new EnrichedRequestEvent(ContractSamples.requestEvent(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("EnrichedRequestEvent.geo must not be null");
    }

    @Test
    void evidenceCopiesItsCollectionsAndRejectsNullsWithTheirPlace() {
        Map<String, Long> counts = new HashMap<>(Map.of("requests", 5L));
        List<String> paths = new ArrayList<>(List.of("/a"));
        Evidence evidence = new Evidence(counts, Map.of(), paths, Map.of());
        counts.put("requests", 6L);
        paths.add("/b");
        assertThat(evidence.counts()).containsExactly(Map.entry("requests", 5L));
        assertThat(evidence.samplePaths()).containsExactly("/a");
        assertThatThrownBy(() -> evidence.samplePaths().add("/c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> evidence.counts().put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);

        Map<String, Long> withNull = new HashMap<>();
        withNull.put("requests", null);
        assertThatThrownBy(() -> new Evidence(withNull, Map.of(), List.of(), Map.of()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Evidence.counts[requests] must not be null");
        List<String> nullPath = new ArrayList<>();
        nullPath.add(null);
        assertThatThrownBy(() -> new Evidence(Map.of(), Map.of(), nullPath, Map.of()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Evidence.samplePaths[0] must not be null");
        assertThatThrownBy(() -> new Evidence(Map.of(), Map.of(), null, Map.of()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Evidence.samplePaths must not be null");
    }

    @Test
    void evidenceRejectsValuesThatCannotBeTrue() {
        assertThatThrownBy(() -> new Evidence(Map.of("requests", -1L), Map.of(), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Evidence.counts[requests] must not be negative, was -1");
        assertThatThrownBy(() -> new Evidence(Map.of(), Map.of("requests", Double.POSITIVE_INFINITY), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Evidence.thresholds[requests] must be finite, was Infinity");
        assertThatThrownBy(() -> new Evidence(Map.of(), Map.of(), List.of(), Map.of(999, 1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Evidence.statusCounts key must be an HTTP status (100-599), was 999");
    }

    @Test
    void flaggedIpChecksItsWindowAndScore() {
        FlaggedIp s = ContractSamples.flaggedIp();
        assertThatThrownBy(() -> new FlaggedIp(s.flagId(), s.ip(), s.rule(), s.reason(), s.severity(), s.score(),
                s.windowEnd(), s.windowStart(), s.requestCount(), s.evidence(), s.geo(), s.detectedAt()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FlaggedIp.windowEnd 2026-05-04T09:15:30.250Z is before FlaggedIp.windowStart 2026-05-04T10:15:30.250Z");
        assertThatThrownBy(() -> new FlaggedIp(s.flagId(), s.ip(), s.rule(), s.reason(), s.severity(), Double.NaN,
                s.windowStart(), s.windowEnd(), s.requestCount(), s.evidence(), s.geo(), s.detectedAt()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FlaggedIp.score must be finite, was NaN");
        assertThatThrownBy(() -> new FlaggedIp(s.flagId(), s.ip(), s.rule(), "", s.severity(), s.score(),
                s.windowStart(), s.windowEnd(), s.requestCount(), s.evidence(), s.geo(), s.detectedAt()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FlaggedIp.reason must not be blank");
        assertThatThrownBy(() -> new FlaggedIp(s.flagId(), s.ip(), s.rule(), s.reason(), s.severity(), s.score(),
                s.windowStart(), s.windowEnd(), -1, s.evidence(), s.geo(), s.detectedAt()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FlaggedIp.requestCount must not be negative, was -1");
        assertThatThrownBy(() -> new FlaggedIp(s.flagId(), s.ip(), s.rule(), s.reason(), s.severity(), s.score(),
                s.windowStart(), s.windowEnd(), s.requestCount(), s.evidence(), null, s.detectedAt()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("FlaggedIp.geo must not be null");
    }

    @Test
    void aFlagWithoutNetworkNamesASingleAddress() {
        FlaggedIp s = ContractSamples.flaggedIp();
        assertThat(s.network()).isNull();
        assertThat(new FlaggedIp(2, s.flagId(), s.ip(), s.rule(), s.reason(), s.severity(), s.score(), s.windowStart(),
                s.windowEnd(), s.requestCount(), s.evidence(), s.geo(), s.detectedAt()).network()).isNull();
        assertThat(ContractSamples.flaggedNetwork().network()).hasToString("2001:db8:7:7::/64");
    }

    @Test
    void aFlaggedNetworkMustContainTheFlaggedIp() {
        FlaggedIp s = ContractSamples.flaggedNetwork();
        assertThatThrownBy(() -> withNetwork(s, Cidr.parse("2001:db8:7:8::/64")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FlaggedIp.network 2001:db8:7:8::/64 does not contain FlaggedIp.ip 2001:db8:7:7::1b");
        assertThatThrownBy(() -> withNetwork(s, Cidr.parse("203.0.113.0/24")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FlaggedIp.network 203.0.113.0/24 does not contain FlaggedIp.ip 2001:db8:7:7::1b");
        assertThat(withNetwork(s, Cidr.parse("2001:db8:7:7::1b/128")).network()).isEqualTo(s.ip().toCidr());
        assertThat(withNetwork(s, Cidr.parse("2001:db8::/32")).network()).hasToString("2001:db8::/32");
    }

    private static FlaggedIp withNetwork(FlaggedIp f, Cidr network) {
        return new FlaggedIp(f.flagId(), f.ip(), f.rule(), f.reason(), f.severity(), f.score(), f.windowStart(),
                f.windowEnd(), f.requestCount(), f.evidence(), f.geo(), f.detectedAt(), network);
    }

    @Test
    void listEntryMustExpireAfterItWasCreated() {
        Cidr net = Cidr.parse("198.51.100.0/24");
        assertThatThrownBy(() -> new ListEntry(net, ListAction.BLOCK, "r", ListSource.CLI, "bob", T, T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ListEntry.expiresAt 2026-05-04T10:00:00Z must be after ListEntry.createdAt 2026-05-04T10:00:00Z");
        assertThatThrownBy(() -> new ListEntry(null, ListAction.BLOCK, "r", ListSource.CLI, "bob", T, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("ListEntry.cidr must not be null");
        assertThatThrownBy(() -> new ListEntry(net, ListAction.BLOCK, "r", ListSource.CLI, " ", T, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ListEntry.createdBy must not be blank");
    }

    @Test
    void listEntryIsActiveUntilItExpiresExclusive() {
        Instant expires = T.plusSeconds(3600);
        ListEntry entry = new ListEntry(Cidr.parse("198.51.100.0/24"), ListAction.BLOCK, "r", ListSource.AUTO,
                "detection", T, expires);
        assertThat(entry.isActiveAt(expires.minusMillis(1))).isTrue();
        assertThat(entry.isActiveAt(expires)).isFalse();
        assertThat(entry.isActiveAt(expires.plusMillis(1))).isFalse();
        // An edge whose clock is behind the admin's still enforces a brand-new entry.
        assertThat(entry.isActiveAt(T.minusMillis(500))).isTrue();
    }

    @Test
    void aPermanentListEntryNeverExpires() {
        ListEntry entry = new ListEntry(Cidr.parse("2001:db8::/32"), ListAction.ALLOW, "office", ListSource.MANUAL,
                "alice", T, null);
        assertThat(entry.isActiveAt(Instant.MAX)).isTrue();
    }

    private static RequestEvent request(Instant at, ClientIp ip, String method, String path, Integer status,
            Long latency, Decision decision, Mode mode) {
        return new RequestEvent(UUID.fromString("0b6f6a52-3c1e-4d0f-8a8e-5f2d9c7b1a01"), at, ip, method, "shop.example",
                path, status, latency, null, null, decision, null, mode);
    }
}
