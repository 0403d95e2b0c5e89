package io.iptracking.detection.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.Geo;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    static final Counting COUNTING = new Counting(Set.of(401, 403), true);
    final SlidingWindow window = new SlidingWindow(1_000);
    final IpActivity a = new IpActivity();

    int add(long at, String path, int status) {
        return a.add(at, status, path, "ua", false, path.startsWith("/admin"), false, Geo.UNKNOWN);
    }

    @Test
    void anInOrderRequestLiesInTheWindowEndingWithIt() {
        add(0, "/a", 200);
        add(500, "/b", 404);
        int k = add(1_000, "/a", 401);
        Map<Measure, Peak> peaks = window.peaksAround(a, k, COUNTING);
        assertThat(peaks.get(Measure.REQUESTS)).isEqualTo(new Peak(3, new Span(0, 2)));
        assertThat(peaks.get(Measure.DISTINCT_PATHS).value()).isEqualTo(2);
        assertThat(peaks.get(Measure.NOT_FOUND).value()).isEqualTo(1);
        assertThat(peaks.get(Measure.AUTH_FAILURES).value()).isEqualTo(1);
    }

    @Test
    void aLateRequestFindsTheBusiestWindowAroundIt() {
        add(0, "/a", 200);
        add(1_100, "/b", 200);
        add(1_200, "/c", 200);
        add(1_300, "/d", 200);
        // Windows holding the late request at 600: [0,1000] has 2; [600,1600] has 4.
        int k = add(600, "/late", 200);
        assertThat(window.peaksAround(a, k, COUNTING).get(Measure.REQUESTS)).isEqualTo(new Peak(4, new Span(1, 4)));
    }

    @Test
    void theWindowEndingAtAnInstantIncludesBothEnds() {
        add(0, "/a", 200);
        add(1_000, "/b", 200);
        add(1_001, "/c", 200);
        assertThat(window.endingAt(a, 1_000)).isEqualTo(new Span(0, 1));
        assertThat(window.endingAt(a, 1_001)).isEqualTo(new Span(1, 2));
        assertThat(window.endingAt(a, -1)).satisfies(s -> assertThat(s.isEmpty()).isTrue());
    }

    @Test
    void authenticatedRequestsToSensitivePathsCountOnlyWhenConfigured() {
        a.add(0, 200, "/admin", "ua", true, true, false, Geo.UNKNOWN);
        assertThat(window.peaksAround(a, 0, COUNTING).get(Measure.SENSITIVE_REQUESTS).value()).isZero();
        assertThat(window.peaksAround(a, 0, new Counting(Set.of(401), false)).get(Measure.SENSITIVE_REQUESTS).value()).isEqualTo(1);
    }
}
