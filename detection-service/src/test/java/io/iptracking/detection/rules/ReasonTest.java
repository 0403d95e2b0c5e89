package io.iptracking.detection.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.FlaggedIp;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flag's reason quotes sample paths cut short, so the longest paths a client may send still make a flag. */
class ReasonTest {

    @Test
    void fiveLongestPathsFitAReason() {
        String longest = "/" + "a".repeat(2047);
        String quoted = Detector.inReason(Collections.nCopies(5, longest));
        assertThat(quoted.length()).isLessThanOrEqualTo(5 * (Detector.REASON_PATH_CHARS + 3));
        assertThat(quoted).startsWith("/aaa").contains("\u2026, /aaa");
        assertThat(quoted.length() + 200).as("with the rest of the sentence").isLessThan(FlaggedIp.MAX_REASON);
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String path = "/" + "a".repeat(Detector.REASON_PATH_CHARS - 2) + "\ud83d\ude00" + "tail";
        String quoted = Detector.inReason(List.of(path));
        assertThat(quoted).doesNotContain("\ud83d\u2026").endsWith("\u2026");
        assertThat(Detector.inReason(List.of("/short", "/x"))).isEqualTo("/short, /x");
    }
}
