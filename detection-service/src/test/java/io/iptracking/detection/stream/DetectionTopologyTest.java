package io.iptracking.detection.stream;

import static io.iptracking.detection.stream.Requests.get;
import static io.iptracking.detection.stream.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.TestProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The topology, rule by rule, at its edges. Thresholds, window, buckets, grace and cool-down come
 * from the production defaults, so the edges move with them. {@link #T0} starts a bucket: a window of
 * {@code W} ending at {@code T0 + W - 1 ms} holds everything from {@code T0}, and one ending at
 * {@code T0 + W} starts one bucket later (the error bound of {@code ClientWindow}).
 */
class DetectionTopologyTest {

    static final DetectionProperties DEFAULTS = TestProperties.defaults();
    static final Duration W = DEFAULTS.window().size();
    static final Duration GRACE = DEFAULTS.window().grace();
    static final Duration COOL_DOWN = DEFAULTS.window().coolDown();
    static final Duration B = DEFAULTS.window().bucket();
    static final int MAX_REQUESTS = DEFAULTS.rules().highVolume().maxRequests();
    static final int AUTH_FAILURES = DEFAULTS.rules().authFailures().minCount();
    static final int NOT_FOUND = DEFAULTS.rules().scanning().minNotFound();
    static final int DISTINCT = DEFAULTS.rules().scanning().minDistinctPaths();

    static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
    static final String IP = "203.0.113.7";
    static final String OTHER = "198.51.100.9";

    DetectionDriver driver = new DetectionDriver(DEFAULTS);

    @AfterEach
    void close() {
        driver.close();
    }

    /** {@code n} requests from {@code ip} to {@code /shop}, evenly spread from {@code from} to {@code to}, both included. */
    void spread(String ip, int n, Instant from, Instant to, String path, int status) {
        long span = Duration.between(from, to).toMillis();
        for (int i = 0; i < n; i++) {
            driver.send(get(ip, from.plusMillis(n == 1 ? 0 : span * i / (n - 1)), path, status));
        }
    }

    @Nested
    class HighVolume {

        @Test
        void theRequestOverTheLimitIsFlaggedAtOnceAndTheOneBeforeIsNot() {
            spread(IP, MAX_REQUESTS, T0, T0.plusSeconds(600), "/shop", 200);
            assertThat(driver.flags()).isEmpty();

            driver.send(get(IP, T0.plusSeconds(601), "/shop", 200));

            assertThat(driver.flags()).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(FlagRule.HIGH_VOLUME);
                assertThat(f.ip()).isEqualTo(ClientIp.parse(IP));
                assertThat(f.requestCount()).isEqualTo(MAX_REQUESTS + 1);
                assertThat(f.windowStart()).isEqualTo(T0);
                assertThat(f.windowEnd()).isEqualTo(T0.plusSeconds(601));
                assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
                assertThat(f.score()).isEqualTo((MAX_REQUESTS + 1.0) / MAX_REQUESTS, org.assertj.core.data.Offset.offset(0.001));
                assertThat(f.evidence().counts()).containsEntry("requests", (long) MAX_REQUESTS + 1);
                assertThat(f.evidence().thresholds()).containsEntry("requests", (double) MAX_REQUESTS)
                        .containsEntry("windowSeconds", (double) W.toSeconds());
                assertThat(f.evidence().statusCounts()).containsEntry(200, (long) MAX_REQUESTS + 1);
                assertThat(f.evidence().samplePaths()).containsExactly("/shop");
                assertThat(f.geo()).isEqualTo(Requests.GEO);
                assertThat(f.detectedAt()).isEqualTo(DetectionDriver.DETECTED_AT);
                assertThat(f.reason()).isEqualTo(IP + " sent 101 requests within 10 min 1 s, more than the limit of 100 per 1 h.");
                assertThat(f.network()).as("an IPv4 client is its address: no network").isNull();
            });
        }

        @Test
        void aWindowEndingInTheLastBucketHoldsTheFirstBucketWhole() {
            spread(IP, MAX_REQUESTS, T0, T0.plus(W).minusMillis(2), "/shop", 200);
            driver.send(get(IP, T0.plus(W).minusMillis(1), "/shop", 200));
            assertThat(driver.flags(FlagRule.HIGH_VOLUME)).singleElement()
                    .satisfies(f -> assertThat(f.windowStart()).isEqualTo(T0))
                    .satisfies(f -> assertThat(f.windowEnd()).isEqualTo(T0.plus(W).minusMillis(1)));
        }

        @Test
        void aWindowEndingInTheNextBucketHasLeftTheFirstBucket() {
            spread(IP, MAX_REQUESTS, T0, T0.plus(W).minusMillis(2), "/shop", 200);
            driver.send(get(IP, T0.plus(W), "/shop", 200));
            assertThat(driver.flags()).isEmpty();
        }

        @Test
        void aBurstWithinTheWindowLessOneBucketIsCountedWholeWhereverItStarts() {
            // The error bound: W - B always fits, whatever the burst's phase relative to the buckets.
            for (long phase : new long[] {1, B.toMillis() / 2, B.toMillis() - 1}) {
                try (DetectionDriver d = new DetectionDriver(DEFAULTS)) {
                    Instant start = T0.plusMillis(phase);
                    for (int i = 0; i <= MAX_REQUESTS; i++) {
                        d.send(get(IP, start.plusMillis(W.minus(B).toMillis() * i / MAX_REQUESTS), "/shop", 200));
                    }
                    assertThat(d.flags(FlagRule.HIGH_VOLUME)).as("phase %d ms", phase).singleElement()
                            .satisfies(f -> assertThat(f.requestCount()).isEqualTo(MAX_REQUESTS + 1));
                }
            }
        }

        @Test
        void aBurstLongerThanTheWindowIsNeverCountedWhole() {
            spread(IP, MAX_REQUESTS + 1, T0.plusMillis(1), T0.plus(W).plusMillis(1), "/shop", 200);
            assertThat(driver.flags()).isEmpty();
        }

        @Test
        void aBurstStraddlingAClockHourIsFlagged() {
            Instant lastMinute = Instant.parse("2026-05-04T10:59:00Z");
            Instant nextHour = Instant.parse("2026-05-04T11:00:00Z");
            spread(IP, 60, lastMinute, lastMinute.plusMillis(59_999), "/shop", 200);
            spread(IP, 60, nextHour, nextHour.plusMillis(59_999), "/shop", 200);
            // No clock hour holds more than 60 of them; the sliding window holds all 120.
            assertThat(driver.flags()).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(FlagRule.HIGH_VOLUME);
                assertThat(f.requestCount()).isEqualTo(MAX_REQUESTS + 1);
                assertThat(f.windowStart()).isEqualTo(lastMinute);
                assertThat(f.windowEnd()).isAfter(nextHour);
            });
        }

        @Test
        void flagsOncePerCoolDownAndAgainWhenItHasEnded() {
            // One request every 30 s: the window holds 121 once full, over the limit all along.
            Instant t = T0;
            for (int i = 0; i <= MAX_REQUESTS; i++, t = t.plusSeconds(30)) {
                driver.send(get(IP, t, "/shop", 200));
            }
            Instant flaggedAt = t.minusSeconds(30);
            assertThat(driver.flags()).hasSize(1);
            while (t.isBefore(flaggedAt.plus(COOL_DOWN))) {
                driver.send(get(IP, t, "/shop", 200));
                t = t.plusSeconds(30);
            }
            driver.send(get(IP, flaggedAt.plus(COOL_DOWN).minusMillis(1), "/shop", 200));
            assertThat(driver.flags()).as("still in the cool-down").hasSize(1);

            driver.send(get(IP, flaggedAt.plus(COOL_DOWN), "/shop", 200));
            assertThat(driver.flags(FlagRule.HIGH_VOLUME)).hasSize(2)
                    .extracting(FlaggedIp::flagId).doesNotHaveDuplicates();
        }

        @Test
        void aLateRequestWithinTheGraceCountsAndFillsItsWindow() {
            spread(IP, MAX_REQUESTS, T0, T0.plusSeconds(60), "/shop", 200);
            Instant streamTime = T0.plusSeconds(600);
            driver.send(get(OTHER, streamTime, "/", 200));

            driver.send(get(IP, streamTime.minus(GRACE), "/shop", 200));

            assertThat(driver.flags(FlagRule.HIGH_VOLUME)).singleElement()
                    .satisfies(f -> assertThat(f.windowEnd()).isEqualTo(streamTime.minus(GRACE)));
            assertThat(driver.lateDropped()).isZero();
        }

        @Test
        void aRequestLaterThanTheGraceIsDroppedAndCounted() {
            spread(IP, MAX_REQUESTS, T0, T0.plusSeconds(60), "/shop", 200);
            Instant streamTime = T0.plusSeconds(600);
            driver.send(get(OTHER, streamTime, "/", 200));

            driver.send(get(IP, streamTime.minus(GRACE).minusMillis(1), "/shop", 200));

            assertThat(driver.flags()).isEmpty();
            assertThat(driver.lateDropped()).isEqualTo(1);
            assertThat(requestsOf(IP)).isEqualTo(MAX_REQUESTS);
        }

        @Test
        void aLateRequestCanCompleteAWindowInThePast() {
            // 100 requests in [T0, T0+30min]; stream time then moves on; a late request at T0+1min
            // makes 101 in a window that lies wholly in the past.
            spread(IP, MAX_REQUESTS, T0, T0.plusSeconds(1800), "/shop", 200);
            driver.send(get(IP, T0.plusSeconds(1800).plus(GRACE).minusSeconds(1), "/", 200));
            assertThat(driver.flags()).singleElement().satisfies(f -> assertThat(f.rule()).isEqualTo(FlagRule.HIGH_VOLUME));
        }
    }

    @Nested
    class SensitivePath {

        @Test
        void oneAnonymousRequestToAnAdminPathIsFlagged() {
            driver.send(get(IP, T0, "/shop", 200));
            driver.send(get(IP, T0.plusSeconds(1), "/admin/users", 403));
            assertThat(driver.flags()).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(FlagRule.SENSITIVE_PATH);
                assertThat(f.evidence().samplePaths()).containsExactly("/admin/users");
                assertThat(f.evidence().counts()).containsEntry("sensitiveRequests", 1L);
                assertThat(f.evidence().thresholds()).containsEntry("sensitiveRequests", 1.0);
                assertThat(f.reason()).isEqualTo(IP + " requested sensitive paths 1 time within 1 h without being "
                        + "authenticated (/admin/users); 1 triggers a flag.");
            });
        }

        @Test
        void matchesTheConfiguredPatternsOnly() {
            driver.send(get(IP, T0, "/administrator", 200));
            driver.send(get(IP, T0.plusSeconds(1), "/shop/admin", 200));
            driver.send(get(IP, T0.plusSeconds(2), "/wp-login.php/../shop", 200));
            driver.send(get(IP, T0.plusSeconds(3), "/login", 200));
            assertThat(driver.flags()).as("a login page is not sensitive by default").isEmpty();
            driver.send(get(IP, T0.plusSeconds(4), "/wp-login.php", 200));
            assertThat(driver.flags(FlagRule.SENSITIVE_PATH)).hasSize(1);
        }

        @Test
        void authenticatedRequestsAreIgnoredByDefault() {
            driver.send(request(IP, T0, "/admin", 200, "a1b2c3", "browser"));
            assertThat(driver.flags()).isEmpty();
        }

        @Test
        void authenticatedRequestsCountWhenConfigured() {
            try (DetectionDriver strict = new DetectionDriver(TestProperties.with(
                    Map.of("detection.rules.sensitive-path.ignore-authenticated", "false")))) {
                strict.send(request(IP, T0, "/admin", 200, "a1b2c3", "browser"));
                assertThat(strict.flags(FlagRule.SENSITIVE_PATH)).singleElement()
                        .satisfies(f -> assertThat(f.reason()).doesNotContain("authenticated"));
            }
        }

        @Test
        void aMinimumCountIsReachedWithinOneWindowOnly() {
            try (DetectionDriver three = new DetectionDriver(TestProperties.with(
                    Map.of("detection.rules.sensitive-path.min-count", "3")))) {
                three.send(get(IP, T0, "/admin", 404));
                three.send(get(IP, T0.plusSeconds(60), "/admin/x", 404));
                assertThat(three.flags()).as("threshold - 1").isEmpty();
                three.send(get(IP, T0.plus(W).plusMillis(1), "/admin/y", 404));
                assertThat(three.flags()).as("the first has left the window").isEmpty();
                three.send(get(IP, T0.plus(W).plus(B).minusMillis(1), "/admin/z", 404));
                assertThat(three.flags(FlagRule.SENSITIVE_PATH)).as("/admin/x at the window's start edge")
                        .singleElement().satisfies(f -> {
                            assertThat(f.windowStart()).isEqualTo(T0.plusSeconds(60));
                            assertThat(f.evidence().samplePaths()).containsExactly("/admin/z", "/admin/y", "/admin/x");
                            assertThat(f.score()).isEqualTo(1.0);
                        });
            }
        }
    }

    @Nested
    class AuthFailures {

        @Test
        void flagsAtTheMinimumCountNotBefore() {
            for (int i = 0; i < AUTH_FAILURES - 1; i++) {
                driver.send(request(IP, T0.plusSeconds(i), "/api/session", 401, null, "python-requests/2.31"));
            }
            driver.send(request(IP, T0.plusSeconds(100), "/api/session", 200, null, "python-requests/2.31"));
            assertThat(driver.flags()).isEmpty();
            driver.send(request(IP, T0.plusSeconds(101), "/api/session", 403, null, "python-requests/2.31"));
            assertThat(driver.flags()).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(FlagRule.AUTH_FAILURES);
                assertThat(f.severity()).isEqualTo(Severity.HIGH);
                assertThat(f.evidence().counts()).containsEntry("authFailures", (long) AUTH_FAILURES);
                assertThat(f.evidence().statusCounts()).containsEntry(401, AUTH_FAILURES - 1L).containsEntry(403, 1L)
                        .containsEntry(200, 1L);
                assertThat(f.reason()).isEqualTo(IP + " was refused authentication (401/403) 20 times within 1 h; 20 trigger a flag.");
            });
        }

        @Test
        void theEdgesOwnRefusalsAreNotAuthenticationFailures() {
            // A blocked client keeps knocking: every answer is the edge's 403 (or, rate-limited, its 429).
            for (int i = 0; i < AUTH_FAILURES * 2; i++) {
                driver.send(refused(T0.plusSeconds(i), i % 2 == 0 ? Decision.BLOCKED : Decision.RATE_LIMITED, 403));
            }
            assertThat(driver.flags()).noneMatch(f -> f.rule() == FlagRule.AUTH_FAILURES);

            // The application's own refusals still count, next to the edge's.
            for (int i = 0; i < AUTH_FAILURES; i++) {
                driver.send(request(IP, T0.plusSeconds(100 + i), "/api/session", 401, null, "python-requests/2.31"));
            }
            assertThat(driver.flags()).filteredOn(f -> f.rule() == FlagRule.AUTH_FAILURES).singleElement()
                    .satisfies(f -> assertThat(f.evidence().counts()).containsEntry("authFailures", (long) AUTH_FAILURES));
        }

        private EnrichedRequestEvent refused(Instant at, Decision decision, int status) {
            EnrichedRequestEvent e = request(IP, at, "/api/session", status, null, "python-requests/2.31");
            RequestEvent r = e.request();
            return new EnrichedRequestEvent(new RequestEvent(r.eventId(), r.timestamp(), r.ip(), r.method(), r.host(), r.path(),
                    r.status(), r.latencyMs(), r.userAgent(), r.subject(), decision, "blocklist:" + IP + "/32", r.mode()), e.geo());
        }

        @Test
        void failuresMoreThanOneWindowApartDoNotAddUp() {
            driver.send(get(IP, T0, "/api/session", 401));
            spread(IP, AUTH_FAILURES - 1, T0.plus(W).plusMillis(1), T0.plus(W).plusSeconds(60), "/api/session", 401);
            assertThat(driver.flags()).isEmpty();
        }

        @Test
        void failuresWithinOneWindowAddUp() {
            driver.send(get(IP, T0, "/api/session", 401));
            spread(IP, AUTH_FAILURES - 2, T0.plusSeconds(1), T0.plusSeconds(60), "/api/session", 401);
            driver.send(get(IP, T0.plus(W).minusMillis(1), "/api/session", 401));
            assertThat(driver.flags(FlagRule.AUTH_FAILURES)).hasSize(1);
        }
    }

    @Nested
    class Scanning {

        @Test
        void flagsAtTheMinimumNumberOfNotFoundAnswers() {
            for (int i = 0; i < NOT_FOUND - 1; i++) {
                driver.send(get(IP, T0.plusSeconds(i), "/probe", 404));
            }
            assertThat(driver.flags()).isEmpty();
            driver.send(get(IP, T0.plusSeconds(NOT_FOUND), "/probe", 404));
            assertThat(driver.flags()).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(FlagRule.SCANNING);
                assertThat(f.evidence().counts()).containsEntry("notFound", (long) NOT_FOUND).containsEntry("distinctPaths", 1L);
                assertThat(f.reason()).startsWith(IP + " received 30 'not found' (404) answers within 1 h");
            });
        }

        @Test
        void flagsAtTheMinimumNumberOfDistinctPaths() {
            for (int i = 0; i < DISTINCT - 1; i++) {
                driver.send(get(IP, T0.plusSeconds(i), "/products/" + i, 200));
            }
            driver.send(get(IP, T0.plusSeconds(DISTINCT), "/products/0", 200));
            assertThat(driver.flags()).isEmpty();
            driver.send(get(IP, T0.plusSeconds(DISTINCT), "/products/" + DISTINCT, 200));
            assertThat(driver.flags()).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(FlagRule.SCANNING);
                assertThat(f.evidence().counts()).containsEntry("distinctPaths", (long) DISTINCT);
                assertThat(f.evidence().samplePaths()).hasSize(5).first().isEqualTo("/products/" + DISTINCT);
            });
        }

        @Test
        void distinctPathsOutsideTheWindowDoNotCount() {
            driver.send(get(IP, T0, "/products/first", 200));
            spread(IP, 10, T0.plus(W).plusMillis(1), T0.plus(W).plusSeconds(100), "/same", 200);
            for (int i = 0; i < DISTINCT - 2; i++) {
                driver.send(get(IP, T0.plus(W).plusSeconds(200 + i), "/products/" + i, 200));
            }
            assertThat(driver.flags()).isEmpty();
        }
    }

    @Test
    void rulesFlagIndependently() {
        // One scanner that crosses every threshold: one flag per rule, each once.
        for (int i = 0; i <= MAX_REQUESTS; i++) {
            driver.send(get(IP, T0.plusSeconds(i), i % 2 == 0 ? "/admin/" + i : "/wp-login.php", i % 2 == 0 ? 404 : 401));
        }
        assertThat(driver.flags()).extracting(FlaggedIp::rule).containsExactlyInAnyOrder(
                FlagRule.SENSITIVE_PATH, FlagRule.AUTH_FAILURES, FlagRule.SCANNING, FlagRule.HIGH_VOLUME);
    }

    @Test
    void theClientStoreHoldsEachClientsWindowAndForgetsIdleClients() {
        spread(IP, 5, T0, T0.plusSeconds(4), "/shop", 200);
        driver.send(get(OTHER, T0.plusSeconds(5), "/", 200));
        assertThat(requestsOf(IP)).isEqualTo(5);

        // Once stream time has passed the window and the grace, the next purge step drops the idle client.
        driver.send(get(OTHER, T0.plusSeconds(4).plus(W).plus(GRACE).plusSeconds(1), "/", 200));
        assertThat(driver.clientStore().get(Cidr.parse(IP + "/32"))).as("until a purge step ran").isNotNull();
        driver.advanceWallClock(DetectionEngine.PURGE_INTERVAL);
        assertThat(driver.clientStore().get(Cidr.parse(IP + "/32"))).isNull();
        assertThat(requestsOf(OTHER)).isEqualTo(1);
    }

    @Test
    void anIpv6ClientIsItsSlash64() {
        // A client rotating through the addresses of its /64: one client to the rules, flagged as the network.
        for (int i = 0; i <= MAX_REQUESTS; i++) {
            driver.send(get("2001:db8:7:7::" + Integer.toHexString(i + 1), T0.plusSeconds(i), "/shop", 200));
        }
        assertThat(driver.flags()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(FlagRule.HIGH_VOLUME);
            assertThat(f.ip()).isEqualTo(ClientIp.parse("2001:db8:7:7::" + Integer.toHexString(MAX_REQUESTS + 1)));
            assertThat(f.requestCount()).isEqualTo(MAX_REQUESTS + 1);
            assertThat(f.reason()).startsWith("2001:db8:7:7::/64 sent 101 requests");
            assertThat(f.network()).isEqualTo(Cidr.parse("2001:db8:7:7::/64"));
        });
        assertThat(driver.clientStore().get(Cidr.parse("2001:db8:7:7::/64"))).isNotNull();
    }

    /**
     * What overflowed the old per-request state (its value passed Kafka's 1 MB record limit, the
     * changelog write failed and the stream thread replayed the same input, for everybody): distinct
     * 2 KB paths and 500-character user agents from one client, over the whole window (2,000 here, as
     * the test driver commits after each record; ClientWindowTest sends 100,000 to the window alone). Its
     * window stays a few KiB, and another client's flag still comes.
     */
    @Test
    void aFloodOfDistinctLongPathsCannotStopDetection() {
        String agent = "Mozilla/5.0 " + "x".repeat(488);
        String path = "/" + "a".repeat(2_030) + "/";
        for (int i = 0; i < 2_000; i++) {
            driver.send(request(IP, T0.plusMillis(i * 1_800L), path + i, 404, null, agent + i));
        }
        byte[] state = new io.iptracking.detection.window.ClientWindowSerde().serialize("t",
                driver.clientStore().get(Cidr.parse(IP + "/32")));
        assertThat(state.length).as("bytes of the flooding client's window").isLessThanOrEqualTo(8 * 1024);
        assertThat(driver.flags()).extracting(FlaggedIp::rule).as("the flood itself is flagged once per rule")
                .containsExactlyInAnyOrder(FlagRule.HIGH_VOLUME, FlagRule.SCANNING);

        Instant later = T0.plusMillis(2_000 * 1_800L);
        spread(OTHER, MAX_REQUESTS + 1, later, later.plusSeconds(60), "/shop", 200);
        assertThat(driver.flags(FlagRule.HIGH_VOLUME)).extracting(FlaggedIp::ip).contains(ClientIp.parse(OTHER));
    }

    /**
     * One event dated in year 9999 (a broken edge clock, a forged record) must not move the partition's
     * stream time there: every later event would be "late" and detection of the partition would stop.
     */
    @Test
    void anEventFromTheFarFutureIsDroppedAndDetectionGoesOn() {
        driver.send(get(OTHER, Instant.parse("9999-12-31T23:59:59Z"), "/", 200));
        spread(IP, MAX_REQUESTS + 1, T0, T0.plusSeconds(60), "/shop", 200);
        assertThat(driver.flags(FlagRule.HIGH_VOLUME)).singleElement().satisfies(f -> assertThat(f.ip()).isEqualTo(ClientIp.parse(IP)));
        assertThat(driver.lateDropped()).isZero();
        assertThat(driver.clientStore().get(Cidr.parse(OTHER + "/32"))).as("the future event was not counted").isNull();
    }

    @Nested
    class Erasure {

        @Test
        void deletesTheClientsWindowWithItsCountsAndCoolDownsAndNothingElse() {
            spread(IP, MAX_REQUESTS + 1, T0, T0.plusSeconds(100), "/shop", 200);
            driver.send(get(OTHER, T0.plusSeconds(100), "/", 200));
            assertThat(driver.flags(FlagRule.HIGH_VOLUME)).hasSize(1);

            driver.erase(IP, T0.plusSeconds(100).plusMillis(1));

            assertThat(driver.clientStore().get(Cidr.parse(IP + "/32"))).isNull();
            assertThat(requestsOf(OTHER)).isEqualTo(1);
            assertThat(driver.changelogOf(Cidr.parse(IP + "/32"))).as("the changelog's last word on the client")
                    .isNotEmpty().last().isNull();
            // Counted afresh (the processor's cache forgot it too), with no cool-down: the limit is
            // reached again only by a whole new window's worth, and then it is flagged again.
            spread(IP, MAX_REQUESTS, T0.plusSeconds(101), T0.plusSeconds(200), "/shop", 200);
            assertThat(requestsOf(IP)).isEqualTo(MAX_REQUESTS);
            assertThat(driver.flags(FlagRule.HIGH_VOLUME)).hasSize(1);
            driver.send(get(IP, T0.plusSeconds(201), "/shop", 200));
            assertThat(driver.flags(FlagRule.HIGH_VOLUME)).hasSize(2);
        }

        @Test
        void ofAnIpv6AddressDeletesTheWindowOfItsSlash64() {
            driver.send(get("2001:db8:7:7::1", T0, "/shop", 200));
            driver.send(get("2001:db8:7:8::1", T0, "/shop", 200));

            driver.erase("2001:db8:7:7::abcd", T0.plusSeconds(1));

            assertThat(driver.clientStore().get(Cidr.parse("2001:db8:7:7::/64"))).isNull();
            assertThat(driver.clientStore().get(Cidr.parse("2001:db8:7:8::/64"))).isNotNull();
        }

        @Test
        void requestsFromBeforeItThatArriveAfterItAreNotCounted() {
            spread(IP, 10, T0, T0.plusSeconds(10), "/shop", 200);
            driver.erase(IP, T0.plusSeconds(20));

            // Still on their way when the erasure was made: not counted, not flagged.
            spread(IP, MAX_REQUESTS + 1, T0.plusSeconds(11), T0.plusSeconds(20), "/shop", 200);
            assertThat(driver.clientStore().get(Cidr.parse(IP + "/32"))).isNull();
            assertThat(driver.erasedDropped()).isEqualTo(MAX_REQUESTS + 1);
            assertThat(driver.flags()).isEmpty();

            driver.send(get(IP, T0.plusSeconds(21), "/shop", 200));
            assertThat(requestsOf(IP)).as("a request after the erasure").isEqualTo(1);
            // The mark goes once its requests would be late anyway; another client keeps stream time moving.
            driver.send(get(OTHER, T0.plusSeconds(21).plus(GRACE).plusSeconds(1), "/", 200));
            driver.advanceWallClock(DetectionEngine.PURGE_INTERVAL);
            try (var all = driver.erasedStore().all()) {
                assertThat(all).toIterable().isEmpty();
            }
        }

        @Test
        void keyedForAnotherClientIsDeadLetteredAndDeletesNothing() {
            driver.send(get(IP, T0, "/shop", 200));
            driver.erase(ClientIp.parse(OTHER), ClientIp.parse(IP), T0.plusSeconds(1));
            assertThat(requestsOf(IP)).isEqualTo(1);
            assertThat(driver.deadLettered()).isEqualTo(1);
        }

        @Test
        void datedAfterABacklogDoesNotMakeTheBacklogLate() {
            // Admin's clock is a day ahead of the requests detection is still catching up on.
            driver.send(get(OTHER, T0, "/", 200));
            driver.erase(OTHER, T0.plus(Duration.ofDays(1)));

            spread(IP, MAX_REQUESTS + 1, T0.plusSeconds(1), T0.plusSeconds(60), "/shop", 200);

            assertThat(driver.lateDropped()).isZero();
            assertThat(requestsOf(IP)).isEqualTo(MAX_REQUESTS + 1);
            assertThat(driver.flags(FlagRule.HIGH_VOLUME)).hasSize(1);
        }

        @Test
        void ofAnUnknownIpChangesNothing() {
            driver.send(get(OTHER, T0, "/", 200));
            driver.erase(IP, T0);
            assertThat(requestsOf(OTHER)).isEqualTo(1);
            try (var all = driver.clientStore().all()) {
                assertThat(all).toIterable().extracting(kv -> kv.key).containsExactly(Cidr.parse(OTHER + "/32"));
            }
        }
    }

    private long requestsOf(String ip) {
        return driver.clientStore().get(Cidr.parse(ip + "/32")).summary(DEFAULTS.window().buckets()).requests();
    }
}
