package io.iptracking.detection.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.testing.traffic.Actor;
import io.iptracking.common.testing.traffic.LabelledTraffic;
import io.iptracking.detection.TestProperties;
import org.junit.jupiter.api.Test;

/**
 * The labelled evaluation: two days of generated traffic (6,000 people, 4 heavy API clients; 4
 * attackers of each kind, among them IPv6 rotators that never send twice from one address, all on
 * the second day, after detection has seen a day of benign traffic as
 * it has in production) through the production detection with its default configuration.
 */
class DetectionEvaluationTest {

    static final LabelledTraffic DAYS = Evaluation.twoDays(Evaluation.SEED, Evaluation.USERS);

    @Test
    void everyAttackerIsFlaggedAndFewerThanOnePercentOfBenignIps() {
        Evaluation e = Evaluation.of(DAYS, TestProperties.defaults());
        System.out.println("Default configuration\n" + e.table() + e.summary());

        assertThat(e.missed()).as("attackers no rule flagged").isEmpty();
        assertThat(e.row(null).falsePositiveRate()).as("benign clients flagged").isLessThan(0.01);
        // Each rule catches what it is for.
        assertThat(e.row(FlagRule.SCANNING).byActor()).containsKey(Actor.SCANNER);
        assertThat(e.row(FlagRule.AUTH_FAILURES).byActor()).containsEntry(Actor.CREDENTIAL_STUFFER, 4L);
        assertThat(e.row(FlagRule.ANOMALY).byActor()).containsKey(Actor.LOW_AND_SLOW_PROBER);
        // Each rotator is one client, its /64, and its flags say so.
        assertThat(e.row(FlagRule.SCANNING).byActor()).containsEntry(Actor.IPV6_ROTATOR, 4L);
        assertThat(e.flags()).filteredOn(f -> DAYS.actors().get(f.ip()) == Actor.IPV6_ROTATOR).isNotEmpty()
                .allSatisfy(f -> assertThat(f.network()).isNotNull().satisfies(n -> assertThat(n.prefixLength()).isEqualTo(64)));
    }

    @Test
    void theAnomalyScoreAloneSeparatesAttackersFromPeople() {
        Evaluation e = Evaluation.of(DAYS, Evaluation.anomalyAlone());
        System.out.println("ANOMALY alone\n" + e.table() + e.summary());

        assertThat(e.row(FlagRule.ANOMALY).byActor()).doesNotContainKey(Actor.USER);
        assertThat(e.row(FlagRule.ANOMALY).recall()).isGreaterThan(0.5);
    }
}
