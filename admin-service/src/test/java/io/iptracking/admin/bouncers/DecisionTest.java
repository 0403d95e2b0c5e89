package io.iptracking.admin.bouncers;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionTest {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void durationsAreGosRoundedToTheSecond() {
        assertThat(Decision.goDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(Decision.goDuration(Duration.ofMillis(499))).isEqualTo("0s");
        assertThat(Decision.goDuration(Duration.ofMillis(1500))).isEqualTo("2s");
        assertThat(Decision.goDuration(Duration.ofMillis(-1400))).isEqualTo("-1s");
        assertThat(Decision.goDuration(Duration.ofMillis(-1500))).isEqualTo("-2s");
        assertThat(Decision.goDuration(Duration.ofSeconds(60))).isEqualTo("1m0s");
        assertThat(Decision.goDuration(Duration.ofSeconds(3600))).isEqualTo("1h0m0s");
        assertThat(Decision.goDuration(Duration.ofSeconds(-3723))).isEqualTo("-1h2m3s");
        assertThat(Decision.goDuration(Duration.ofDays(3650))).isEqualTo("87600h0m0s");
    }

    @Test
    void aDeletedDecisionHasANegativeDurationEvenBeforeItsEnd() {
        Decision d = new Decision(7, "r", Cidr.parse("192.0.2.1"), NOW.plusSeconds(600));
        assertThat(d.toJson(NOW, false).get("duration")).isEqualTo("10m0s");
        assertThat(d.toJson(NOW, true).get("duration")).isEqualTo("-1s");
        assertThat(d.toJson(NOW.plusSeconds(700), true).get("duration")).isEqualTo("-1m40s");
        assertThat(d.toJson(NOW, false)).containsEntry("scope", "Ip").containsEntry("value", "192.0.2.1").containsEntry("id", 7L);
    }

    @Test
    void theSameValueFromTwoBlocksIsTheOneThatLastsLongest() {
        List<StoredEntry> live = List.of(entry(1, "192.0.2.0/24", ListAction.BLOCK, NOW.plusSeconds(60)),
                entry(2, "192.0.2.0/25", ListAction.ALLOW, null), entry(3, "192.0.2.128/25", ListAction.BLOCK, NOW.plusSeconds(3600)));
        assertThat(Decisions.of(live, NOW)).containsOnlyKeys(Cidr.parse("192.0.2.128/25"))
                .hasEntrySatisfying(Cidr.parse("192.0.2.128/25"), d -> assertThat(d.until()).isEqualTo(NOW.plusSeconds(3600)));
    }

    @Test
    void scenarioFiltersIgnoreCase() {
        Decision d = new Decision(1, "SSH brute force", Cidr.parse("192.0.2.1"), NOW);
        assertThat(new Decisions.Filter(List.of("ip"), List.of(), List.of("ssh"), List.of()).keeps(d)).isTrue();
        assertThat(new Decisions.Filter(List.of("ip"), List.of(), List.of(), List.of("BRUTE")).keeps(d)).isFalse();
        assertThat(new Decisions.Filter(List.of("ip"), List.of("other"), List.of(), List.of()).keeps(d)).isFalse();
        assertThat(new Decisions.Filter(List.of("range"), List.of(), List.of(), List.of()).keeps(d)).isFalse();
    }

    private static StoredEntry entry(long id, String cidr, ListAction action, Instant expiresAt) {
        return new StoredEntry(id, new ListEntry(Cidr.parse(cidr), action, "r", ListSource.MANUAL, "t", NOW.minusSeconds(10), expiresAt),
                false);
    }
}
