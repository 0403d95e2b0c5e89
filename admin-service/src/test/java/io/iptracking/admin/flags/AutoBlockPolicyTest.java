package io.iptracking.admin.flags;

import static org.assertj.core.api.Assertions.assertThat;

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
