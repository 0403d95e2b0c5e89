package io.iptracking.ingest.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the target canonicalizer with whatever a client can put in a request line. Properties: it
 * either refuses with {@link InvalidRequest} or gives a target whose forwarded form holds only the
 * characters a request line may carry, canonicalizes to itself, and yields the same rule path, which
 * holds no control character. Run with the committed inputs in {@code ./mvnw verify}; fuzzed for real
 * with {@code JAZZER_FUZZ=1} (README, "Fuzzing").
 */
class RequestTargetFuzzTest {

    /** @param input a request target's bytes, read as UTF-8 as Jetty reads a request line */
    @FuzzTest(maxDuration = "30s")
    void canonicalization(byte[] input) {
        String target = new String(input, StandardCharsets.UTF_8);
        RequestTarget canonical;
        try {
            canonical = RequestTarget.canonicalize(target, 8192);
        } catch (InvalidRequest refused) {
            return;
        }
        String forwarded = canonical.forwardedPathQuery();
        assertThat(forwarded).startsWith("/");
        assertThat(forwarded.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '#' && c != '\\'))
                .as("only visible ASCII is forwarded: %s", forwarded).isTrue();
        assertThat(canonical.path()).doesNotContain("//").doesNotContainPattern("(?i)%2f|%5c")
                .doesNotContainPattern("/\\.\\.?(/|$)");
        assertThat(RequestTarget.canonicalizeWithoutShortcut(target)).as("the shortcut changes nothing").isEqualTo(canonical);
        RequestTarget again = RequestTarget.canonicalize(forwarded, Integer.MAX_VALUE);
        assertThat(again).as("canonicalizing what is forwarded changes nothing").isEqualTo(canonical);
        assertThat(canonical.rulePath()).startsWith("/");
        assertThat(canonical.rulePath().chars().noneMatch(c -> RequestTarget.isControl((char) c))).isTrue();
        assertThat(canonical.eventPath().length()).isLessThanOrEqualTo(RequestTarget.MAX_EVENT_PATH);
    }
}
