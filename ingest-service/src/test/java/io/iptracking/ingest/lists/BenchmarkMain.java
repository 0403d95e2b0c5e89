package io.iptracking.ingest.lists;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * The entry point of {@code ingest-service/benchmark.sh}: JMH's own command line (same options, same output), then a summary that
 * puts every benchmark beside the reference measured in the same run, in lookups/s and ns/op, with
 * the allocation per operation when run with {@code -prof gc}.
 */
public final class BenchmarkMain {

    /** Benchmarks named {@code reference…} are the yardstick for the others with the same parameters. */
    private static final String REFERENCE_PREFIX = "reference";

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            org.openjdk.jmh.Main.main(args); // prints the error and the usage, as JMH does
            return;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Collection<RunResult> results;
        try {
            results = new Runner(options).run();
        } catch (RunnerException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
            return;
        }
        printSummary(results);
    }

    /** One row per benchmark and parameter set; both modes and the gc profiler merge into it. */
    private static final class Row {
        double opsPerSecond = Double.NaN;
        double nanosPerOp = Double.NaN;
        double bytesPerOp = Double.NaN;

        double nanos() {
            return Double.isNaN(nanosPerOp) ? 1e9 / opsPerSecond : nanosPerOp;
        }
    }

    static void printSummary(Collection<RunResult> results) {
        // params -> benchmark -> row
        Map<String, Map<String, Row>> table = new TreeMap<>();
        for (RunResult result : results) {
            BenchmarkParams p = result.getParams();
            String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            String params = String.join(",", p.getParamsKeys().stream().map(k -> k + "=" + p.getParam(k)).toList())
                    + ", threads=" + p.getThreads();
            Row row = table.computeIfAbsent(params, k -> new TreeMap<>()).computeIfAbsent(name, k -> new Row());
            double perUnitNanos = p.getTimeUnit().toNanos(1);
            double score = result.getPrimaryResult().getScore();
            if (p.getMode() == Mode.Throughput) {
                row.opsPerSecond = score * TimeUnit.SECONDS.toNanos(1) / perUnitNanos;
            } else if (p.getMode() == Mode.AverageTime) {
                row.nanosPerOp = score * perUnitNanos;
            }
            for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
                if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                    row.bytesPerOp = secondary.getValue().getScore();
                }
            }
        }
        System.out.println();
        System.out.println("Summary (lookups/s for all threads together; ns/op and B/op per operation):");
        System.out.printf(Locale.ROOT, "%-36s %-20s %16s %10s %10s %14s%n",
                "parameters", "benchmark", "lookups/s", "ns/op", "B/op", "time vs ref");
        for (Map.Entry<String, Map<String, Row>> byParams : table.entrySet()) {
            Row reference = byParams.getValue().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(REFERENCE_PREFIX))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            for (Map.Entry<String, Row> e : byParams.getValue().entrySet()) {
                Row row = e.getValue();
                String ratio = reference == null || row == reference
                        ? "" : String.format(Locale.ROOT, "%.2fx", row.nanos() / reference.nanos());
                System.out.printf(Locale.ROOT, "%-36s %-20s %16s %10s %10s %14s%n",
                        byParams.getKey(), e.getKey(), format("%,.0f", row.opsPerSecond),
                        format("%.1f", row.nanosPerOp), format("%.1f", row.bytesPerOp), ratio);
            }
        }
    }

    private static String format(String pattern, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, pattern, value);
    }
}
