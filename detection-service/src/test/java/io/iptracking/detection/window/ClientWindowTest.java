package io.iptracking.detection.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One client's window: what it counts, what it forgets, and that its size does not grow with what the client sends. */
class ClientWindowTest {

    static final long MINUTE = 60_000;
    static final int BUCKETS = 60;
    static final long T0 = 1_780_000_000_000L - 1_780_000_000_000L % MINUTE;
    static final Counting COUNTING = new Counting(Set.of(401, 403), true);
    static final ClientWindowSerde SERDE = new ClientWindowSerde();

    static RequestFacts get(long at, String path, int status, String agent) {
        return new RequestFacts(at, status, path, agent, false, false, false);
    }

    @Test
    void countsTheRequestsOfTheBucketsThatEndWithTheLatest() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        w.add(get(T0, "/a", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        w.add(get(T0 + 30 * MINUTE, "/b", 404, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        w.add(get(T0 + 60 * MINUTE - 1, "/b", 401, "other"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        WindowSummary s = w.summary(BUCKETS);
        assertThat(s.requests()).isEqualTo(3);
        assertThat(s.firstAt()).isEqualTo(T0);
        assertThat(s.lastAt()).isEqualTo(T0 + 60 * MINUTE - 1);
        assertThat(s.distinctPaths()).isEqualTo(2);
        assertThat(s.notFound()).isEqualTo(1);
        assertThat(s.authFailures()).isEqualTo(1);
        assertThat(s.errors()).isEqualTo(2);
        assertThat(s.distinctAgents()).isEqualTo(2);
        assertThat(s.agentChanges()).isEqualTo(1);
        assertThat(w.statusCounts(BUCKETS)).containsExactly(java.util.Map.entry(200, 1L), java.util.Map.entry(401, 1L),
                java.util.Map.entry(404, 1L));
        assertThat(s.meanGapMs()).isEqualTo((60 * MINUTE - 1) / 2.0);

        // One more request in the next bucket: T0's bucket leaves the window, with its path.
        w.add(get(T0 + 60 * MINUTE, "/c", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        WindowSummary next = w.summary(BUCKETS);
        assertThat(next.requests()).isEqualTo(3);
        assertThat(next.firstAt()).isEqualTo(T0 + 30 * MINUTE);
        assertThat(next.distinctPaths()).as("/b and /c").isEqualTo(2);
    }

    @Test
    void failuresAreNotHiddenFromTheStatusBreakDownBehindEarlierSuccesses() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        int[] first = {200, 301, 302, 304};
        for (int i = 0; i < first.length; i++) {
            w.add(get(T0 + i, "/a", first[i], "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        }
        for (int i = 0; i < 30; i++) {
            w.add(get(T0 + 10 + i, "/login", 401, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        }
        assertThat(w.statusCounts(BUCKETS)).containsEntry(401, 30L).hasSize(Bucket.MAX_STATUSES);
        assertThat(w.summary(BUCKETS).authFailures()).isEqualTo(30);
    }

    @Test
    void theGapToARequestOutsideTheWindowIsNotCounted() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        w.add(get(T0, "/a", 200, "one"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        w.add(get(T0 + 180 * MINUTE, "/a", 200, "other"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        WindowSummary s = w.summary(BUCKETS);
        assertThat(s.requests()).isEqualTo(1);
        assertThat(s.meanGapMs()).isZero();
        assertThat(s.agentChanges()).isZero();
        w.add(get(T0 + 181 * MINUTE, "/a", 200, "third"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        assertThat(w.summary(BUCKETS).meanGapMs()).isEqualTo(MINUTE);
        assertThat(w.summary(BUCKETS).agentChanges()).isEqualTo(1);
    }

    @Test
    void endedCoolDownsAreDroppedAndAThresholdRaisedLaterGrowsThePathSet() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        w.quiet(FlagRule.SCANNING, T0 + 10);
        w.add(get(T0 + 10, "/a", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        assertThat(w.quietUntil()).isEmpty();
        w.growPathCapacity(300);
        for (int i = 0; i < 400; i++) {
            w.add(get(T0 + 20 + i, "/p/" + i, 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        }
        assertThat(w.summary(BUCKETS).distinctPaths()).isEqualTo(300);
        assertThat(SERDE.deserialize("t", SERDE.serialize("t", w)).pathCapacity()).isEqualTo(300);
    }

    @Test
    void aLateRequestCountsInItsOwnBucketAndMovesNothingElse() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        w.add(get(T0 + 10 * MINUTE, "/a", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        w.add(get(T0 + 5 * MINUTE, "/late", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        assertThat(w.lastSeen()).isEqualTo(T0 + 10 * MINUTE);
        WindowSummary s = w.summary(BUCKETS);
        assertThat(s.requests()).isEqualTo(2);
        assertThat(s.firstAt()).isEqualTo(T0 + 5 * MINUTE);
        assertThat(s.meanGapMs()).as("gaps only between requests in order").isZero();
        assertThat(w.samplePaths(Kind.ANY, T0, 5)).containsExactly("/a", "/late");
    }

    @Test
    void forgetsWhatLeftTheRetentionButKeepsCoolDowns() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        w.add(get(T0, "/a", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        w.quiet(FlagRule.HIGH_VOLUME, T0 + 120 * MINUTE);
        w.add(get(T0 + 90 * MINUTE, "/b", 200, "ua"), COUNTING, Geo.UNKNOWN, T0 + 25 * MINUTE, BUCKETS);
        assertThat(w.buckets()).hasSize(1);
        assertThat(w.samplePaths(Kind.ANY, Long.MIN_VALUE, 5)).containsExactly("/b");
        assertThat(w.isQuiet(FlagRule.HIGH_VOLUME, T0 + 119 * MINUTE)).isTrue();
        assertThat(w.isIdle(T0 + 91 * MINUTE, T0 + 119 * MINUTE)).as("in a cool-down").isFalse();
        assertThat(w.isIdle(T0 + 91 * MINUTE, T0 + 120 * MINUTE)).isTrue();
        assertThat(w.isIdle(T0 + 90 * MINUTE, T0 + 120 * MINUTE)).as("seen at the retention's start").isFalse();
    }

    @Test
    void samplePathsAreTheLatestDistinctOnesWithTheirKinds() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        w.add(new RequestFacts(T0, 404, "/admin", "ua", false, true, false), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        w.add(get(T0 + 1, "/shop", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        w.add(get(T0 + 2, "/admin", 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        assertThat(w.samplePaths(Kind.ANY, T0, 5)).as("one entry per path, by its latest use").containsExactly("/admin", "/shop");
        assertThat(w.samplePaths(Kind.SENSITIVE, T0, 5)).containsExactly("/admin");
        assertThat(w.samplePaths(Kind.NOT_FOUND, T0, 5)).as("the kinds of every use").containsExactly("/admin");
        assertThat(w.samplePaths(Kind.AUTH_FAILURE, T0, 5)).isEmpty();
        assertThat(w.samplePaths(Kind.ANY, T0 + 2, 5)).as("from a time on").containsExactly("/admin");
        String longPath = "/" + "\uD83D\uDE00".repeat(60);
        w.add(get(T0 + 3, longPath, 200, "ua"), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        String cut = w.samplePaths(Kind.ANY, T0 + 3, 1).getFirst();
        assertThat(cut).endsWith("\u2026").hasSizeLessThanOrEqualTo(SamplePaths.MAX_CHARS + 1);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).as("never inside a surrogate pair").isFalse();
    }

    @Test
    void distinctCountsSaturateAtTheirCapacity() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        for (int i = 0; i < 1_000; i++) {
            w.add(get(T0 + i, "/p/" + i, 404, "agent " + i), COUNTING, Geo.UNKNOWN, Long.MIN_VALUE, BUCKETS);
        }
        WindowSummary s = w.summary(BUCKETS);
        assertThat(s.requests()).isEqualTo(1_000);
        assertThat(s.distinctPaths()).isEqualTo(ClientWindow.PATH_CAPACITY);
        assertThat(s.distinctAgents()).isEqualTo(ClientWindow.AGENT_CAPACITY);
        assertThat(w.samplePaths(Kind.NOT_FOUND, T0, 10)).as("most recent first, as many as kept")
                .containsExactly("/p/999", "/p/998", "/p/997", "/p/996", "/p/995", "/p/994", "/p/993", "/p/992");
        assertThat(new ClientWindow(MINUTE, 500).paths().capacity()).as("a higher threshold gets a larger set").isEqualTo(500);
    }

    /**
     * The attacker's lever against the old per-request state: distinct 2 KB paths and 500-character user
     * agents. The serialized window of a client that sends 100,000 of them within the hour must stay a
     * few KiB, and no larger than that of a client that sends 1,000 (both fill every bucket).
     */
    @Test
    void theStateOfAClientIsBoundedWhateverItSends() {
        int tenPerHour = stateBytes(10);
        int thousandPerHour = stateBytes(1_000);
        int hundredThousandPerHour = stateBytes(100_000);
        assertThat(hundredThousandPerHour).as("bytes at 100,000 requests an hour").isLessThanOrEqualTo(8 * 1024);
        // Flat but for the width of the counters' variable-length encoding (1,667 requests a bucket take
        // a byte more than 17).
        assertThat(hundredThousandPerHour).as("flat from 1,000 to 100,000 requests an hour (%d, %d bytes)", thousandPerHour,
                hundredThousandPerHour).isLessThanOrEqualTo(thousandPerHour * 5 / 4);
        assertThat(tenPerHour).isLessThan(thousandPerHour);
    }

    /** The serialized window of a client that sent {@code perHour} hostile requests evenly over the last hour. */
    static int stateBytes(int perHour) {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        String agent = "x".repeat(490);
        String path = "/" + "p".repeat(2_030);
        for (int i = 0; i < perHour; i++) {
            long at = T0 + i * (60 * MINUTE) / perHour;
            w.add(new RequestFacts(at, i % 3 == 0 ? 404 : i % 3 == 1 ? 401 : 500, path + i, agent + i, false, true, false),
                    COUNTING, Geo.UNKNOWN, at - 65 * MINUTE, BUCKETS);
        }
        assertThat(w.summary(BUCKETS).requests()).isEqualTo(perHour);
        assertThat(w.samplePaths(Kind.ANY, T0, 5)).allSatisfy(p -> assertThat(p).hasSizeLessThanOrEqualTo(SamplePaths.MAX_CHARS + 1));
        return SERDE.serialize("t", w).length;
    }
}
