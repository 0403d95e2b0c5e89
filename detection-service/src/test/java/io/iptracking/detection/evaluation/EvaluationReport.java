package io.iptracking.detection.evaluation;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.testing.traffic.LabelledTraffic;
import io.iptracking.detection.TestProperties;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints the labelled evaluation ({@link DetectionEvaluationTest}'s traffic and scoring): the per-rule
 * precision/recall table and the false-positive rate of the default configuration and of ANOMALY
 * alone, for one or more seeds of the traffic generator. Not a test: run it with
 * {@code ./mvnw -B -pl detection-service -am -Pbench -DskipTests -Dbench.main=io.iptracking.detection.evaluation.EvaluationReport package}.
 *
 * <p>System properties: {@code eval.seeds}, comma-separated (default {@value Evaluation#SEED}), and
 * {@code eval.users}, the people in the traffic (default {@value Evaluation#USERS}).
 */
public final class EvaluationReport {

    private EvaluationReport() {
    }

    public static void main(String[] args) {
        List<Long> seeds = seeds(System.getProperty("eval.seeds", String.valueOf(Evaluation.SEED)));
        int users = users(System.getProperty("eval.users", String.valueOf(Evaluation.USERS)));
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
                "| seed | attackers | benign clients | recall (any rule) | FP rate (any rule) | ANOMALY alone: precision | recall |%n"
                        + "|------|-----------|------------|-------------------|--------------------|--------------------------|--------|%n"));
        for (long seed : seeds) {
            long start = System.nanoTime();
            LabelledTraffic traffic = Evaluation.twoDays(seed, users);
            Evaluation defaults = Evaluation.of(traffic, TestProperties.defaults());
            Evaluation anomaly = Evaluation.of(traffic, Evaluation.anomalyAlone());
            System.out.printf(Locale.ROOT, "%n## seed %d, %d people (%.1f s)%n%nDefault configuration%n%s%s%nANOMALY alone%n%s%s", seed, users,
                    (System.nanoTime() - start) / 1e9, defaults.table(), defaults.summary(), anomaly.table(), anomaly.summary());
            Evaluation.Row any = defaults.row(null);
            Evaluation.Row alone = anomaly.row(FlagRule.ANOMALY);
            summary.append(String.format(Locale.ROOT, "| %d | %d | %d | %.3f | %.2f %% | %s | %.3f |%n", seed, any.attackers(), any.benign(),
                    any.recall(), 100 * any.falsePositiveRate(),
                    Double.isNaN(alone.precision()) ? "-" : String.format(Locale.ROOT, "%.3f", alone.precision()), alone.recall()));
        }
        System.out.printf("%n## Summary%n%n%s", summary);
    }

    private static List<Long> seeds(String value) {
        try {
            List<Long> seeds = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Long::valueOf).toList();
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("eval.seeds is empty");
            }
            return seeds;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("eval.seeds must be comma-separated integers, not '" + value + "'", e);
        }
    }

    private static int users(String value) {
        try {
            int users = Integer.parseInt(value.trim());
            if (users < 1) {
                throw new IllegalArgumentException("eval.users must be at least 1, not " + users);
            }
            return users;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("eval.users must be an integer, not '" + value + "'", e);
        }
    }
}
