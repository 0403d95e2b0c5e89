package io.iptracking.admin.flags;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.admin.lists.EntryRequests;
import io.iptracking.admin.web.Params;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Severity;
import io.iptracking.common.testing.ContractSamples;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AutoBlockPolicyTest {

    @Test
    void appliesToChosenRulesAtOrAboveTheSeverity() {
        AutoBlockPolicy policy = policy(true, Set.of(FlagRule.SCANNING));
        assertThat(policy.applies(flag(FlagRule.SCANNING, Severity.HIGH))).isTrue();
        assertThat(policy.applies(flag(FlagRule.SCANNING, Severity.CRITICAL))).isTrue();
        assertThat(policy.applies(flag(FlagRule.SCANNING, Severity.MEDIUM))).isFalse();
        assertThat(policy.applies(flag(FlagRule.HIGH_VOLUME, Severity.CRITICAL))).isFalse();
    }

    @Test
    void noRulesMeansEveryKnownRuleAndOffMeansNothing() {
        assertThat(policy(true, Set.of()).applies(flag(FlagRule.ANOMALY, Severity.HIGH))).isTrue();
        assertThat(policy(true, Set.of()).applies(flag(FlagRule.UNKNOWN, Severity.CRITICAL))).isFalse();
        assertThat(policy(false, Set.of()).applies(flag(FlagRule.SCANNING, Severity.CRITICAL))).isFalse();
    }

    @Test
    void aBlockCoversTheNetworkTheFlagNamesElseTheFlaggedAddress() {
        assertThat(AutoBlockPolicy.target(ContractSamples.flaggedNetwork())).hasToString("2001:db8:7:7::/64");
        assertThat(AutoBlockPolicy.target(ContractSamples.flaggedIp())).hasToString("203.0.113.7/32");
    }

    @Test
    void aBlocksReasonHoldsNoCharacterAnOperatorCouldNotTypeAndFitsTheTable() {
        FlaggedIp s = ContractSamples.flaggedIp();
        // The flag contract already refuses control characters and line breaks; bidirectional ones pass it.
        String quoted = "203.0.113.7 requested /admin/\u202egnp.xedni\u2066\u200fx 1 time";
        String reason = AutoBlockPolicy.reason(withReason(s, quoted), AutoBlockPolicy.target(s));
        assertThat(reason).endsWith("/admin/\ufffdgnp.xedni\ufffd\ufffdx 1 time");
        assertThat(Params.text("reason", reason, EntryRequests.MAX_REASON_LENGTH)).isEqualTo(reason);

        // A long reason is cut between characters, never inside a surrogate pair.
        for (int pad = 0; pad < 2; pad++) {
            String cut = AutoBlockPolicy.reason(withReason(s, "x".repeat(pad) + "\ud83d\ude00".repeat(400)), AutoBlockPolicy.target(s));
            assertThat(cut).hasSizeLessThanOrEqualTo(EntryRequests.MAX_REASON_LENGTH).endsWith("\u2026");
            assertThat(Params.text("reason", cut, EntryRequests.MAX_REASON_LENGTH)).as("pad %d", pad).isEqualTo(cut);
        }
    }

    private static FlaggedIp withReason(FlaggedIp s, String reason) {
        return new FlaggedIp(s.flagId(), s.ip(), s.rule(), reason, s.severity(), s.score(), s.windowStart(), s.windowEnd(),
                s.requestCount(), s.evidence(), s.geo(), s.detectedAt());
    }

    private static AutoBlockPolicy policy(boolean enabled, Set<FlagRule> rules) {
        // applies() looks at the flag alone; the stores are not touched.
        return new AutoBlockPolicy(enabled, rules, Severity.HIGH, Duration.ofHours(1), null, null, null);
    }

    private static FlaggedIp flag(FlagRule rule, Severity severity) {
        FlaggedIp s = ContractSamples.flaggedIp();
        return new FlaggedIp(s.flagId(), s.ip(), rule, s.reason(), severity, s.score(), s.windowStart(), s.windowEnd(),
                s.requestCount(), s.evidence(), s.geo(), s.detectedAt());
    }
}
