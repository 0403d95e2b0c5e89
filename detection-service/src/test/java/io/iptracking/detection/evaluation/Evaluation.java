package io.iptracking.detection.evaluation;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.testing.traffic.Actor;
import io.iptracking.common.testing.traffic.LabelledTraffic;
import io.iptracking.common.testing.traffic.TrafficGenerator;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.TestProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Flags scored against the truth of labelled traffic, per client (the network detection counts: an
 * IPv4 address, an IPv6 /64): a client counts once per rule however often the rule flagged it, and an
 * IPv6 rotator's hundreds of addresses are one client. Precision is the share of flagged clients that
 * are attackers; recall the share of all attacking clients flagged; false-positive rate the share of
 * benign clients flagged.
 */
public record Evaluation(LabelledTraffic traffic, List<FlaggedIp> flags, Map<ClientIp, Actor> clients) {

    public Evaluation(LabelledTraffic traffic, List<FlaggedIp> flags) {
        this(traffic, flags, traffic.clients());
    }

    /** The seed of the generated traffic whose figures the README quotes. */
    public static final long SEED = 20260504;
    public static final int USERS = 6000;

    /**
     * The labelled traffic: two days of {@code users} people and 4 heavy API clients; 4 attackers of
     * each kind, all on the second day, after detection has seen a day of benign traffic as it has in
     * production.
     */
    public static LabelledTraffic twoDays(long seed, int users) {
        return TrafficGenerator.withSeed(seed).duration(Duration.ofHours(48)).users(users).apiClients(4).attackersOfEachKind(4)
                .attacksAfter(Duration.ofHours(24)).generate();
    }

    /** The default configuration with every rule but ANOMALY turned off. */
    public static DetectionProperties anomalyAlone() {
        return TestProperties.with(Map.of(
                "detection.rules.high-volume.enabled", "false",
                "detection.rules.sensitive-path.enabled", "false",
                "detection.rules.auth-failures.enabled", "false",
                "detection.rules.scanning.enabled", "false"));
    }

    /** Replays the traffic through detection with the given configuration and scores its flags. */
    public static Evaluation of(LabelledTraffic traffic, DetectionProperties properties) {
        return new Evaluation(traffic, Replay.flags(properties, traffic.events()));
    }

    /** The client a flag names: its network, or the client network of its IP. */
    private static ClientIp clientOf(FlaggedIp f) {
        return f.network() != null ? f.network().network() : ClientNetwork.keyOf(f.ip());
    }

    /** Flagged clients per rule; {@code null} key means "any rule". */
    public Set<ClientIp> flagged(FlagRule rule) {
        return flags.stream().filter(f -> rule == null || f.rule() == rule).map(Evaluation::clientOf).collect(Collectors.toSet());
    }

    /** Clients of which kind of actor. */
    public Set<ClientIp> clients(boolean attackers) {
        return clients.entrySet().stream().filter(e -> e.getValue().isAttacker() == attackers).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    public Row row(FlagRule rule) {
        Set<ClientIp> flagged = flagged(rule);
        Set<ClientIp> attackers = clients(true);
        Set<ClientIp> benign = clients(false);
        long tp = flagged.stream().filter(attackers::contains).count();
        long fp = flagged.stream().filter(benign::contains).count();
        Map<Actor, Long> byActor = new EnumMap<>(Actor.class);
        for (ClientIp client : flagged) {
            byActor.merge(clients.get(client), 1L, Long::sum);
        }
        return new Row(rule == null ? "any rule" : rule.name(), tp, fp, attackers.size(), benign.size(), byActor);
    }

    /** Attacking clients that no rule flagged. */
    public Set<ClientIp> missed() {
        Set<ClientIp> missed = clients(true);
        missed.removeAll(flagged(null));
        return missed;
    }

    /** Benign clients that some rule flagged, with the rules. */
    public Map<ClientIp, Set<FlagRule>> falsePositives() {
        Map<ClientIp, Set<FlagRule>> fps = new HashMap<>();
        for (FlaggedIp f : flags) {
            if (!clients.get(clientOf(f)).isAttacker()) {
                fps.computeIfAbsent(clientOf(f), ip -> new HashSet<>()).add(f.rule());
            }
        }
        return fps;
    }

    /** Per attacker kind: the median event time from its first request to its first flag. */
    public Map<Actor, Duration> medianTimeToFirstFlag() {
        Map<ClientIp, Instant> firstRequest = new HashMap<>();
        traffic.events().forEach(e -> firstRequest.putIfAbsent(ClientNetwork.keyOf(e.request().ip()), e.request().timestamp()));
        Map<ClientIp, Instant> firstFlag = new HashMap<>();
        // A flag's window end is the event time of the request that raised it.
        flags.forEach(f -> firstFlag.merge(clientOf(f), f.windowEnd(), (a, b) -> a.isBefore(b) ? a : b));
        Map<Actor, List<Duration>> delays = new EnumMap<>(Actor.class);
        firstFlag.forEach((ip, at) -> {
            Actor actor = clients.get(ip);
            if (actor.isAttacker()) {
                delays.computeIfAbsent(actor, a -> new ArrayList<>()).add(Duration.between(firstRequest.get(ip), at));
            }
        });
        Map<Actor, Duration> medians = new EnumMap<>(Actor.class);
        delays.forEach((actor, d) -> {
            d.sort(null);
            medians.put(actor, d.get(d.size() / 2));
        });
        return medians;
    }

    /**
     * One row of the table.
     *
     * @param byActor flagged clients per actor kind
     */
    public record Row(String rule, long truePositives, long falsePositives, long attackers, long benign, Map<Actor, Long> byActor) {

        public double precision() {
            long flagged = truePositives + falsePositives;
            return flagged == 0 ? Double.NaN : (double) truePositives / flagged;
        }

        public double recall() {
            return (double) truePositives / attackers;
        }

        public double falsePositiveRate() {
            return (double) falsePositives / benign;
        }

        String format() {
            String kinds = byActor.entrySet().stream().map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                    .collect(Collectors.joining(", "));
            return String.format(Locale.ROOT, "| %-14s | %5d | %5d | %9s | %6.3f | %7.3f%% | %s |", rule, truePositives, falsePositives,
                    Double.isNaN(precision()) ? "-" : String.format(Locale.ROOT, "%.3f", precision()), recall(),
                    100 * falsePositiveRate(), kinds);
        }
    }

    /** A Markdown table: one row per rule and one for any rule. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append("| rule           |    TP |    FP | precision | recall | FP rate  | flagged clients by actor |\n");
        b.append("|----------------|-------|-------|-----------|--------|----------|----------------------|\n");
        for (FlagRule rule : FlagRule.values()) {
            if (rule != FlagRule.UNKNOWN) {
                b.append(row(rule).format()).append('\n');
            }
        }
        b.append(row(null).format()).append('\n');
        return b.toString();
    }

    /** Traffic size, missed attackers, false positives and detection delays, for the report. */
    public String summary() {
        Map<Actor, Long> perActor = clients.values().stream().collect(Collectors.groupingBy(a -> a, () -> new EnumMap<>(Actor.class),
                Collectors.counting()));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d events, %d IPs, %d clients: %s%n", traffic.events().size(), traffic.actors().size(),
                clients.size(), perActor));
        b.append("missed attackers: ").append(missed().stream().map(ip -> ip + " (" + clients.get(ip) + ")").toList()).append('\n');
        b.append("false positives: ").append(falsePositives().entrySet().stream()
                .map(e -> e.getKey() + " (" + clients.get(e.getKey()) + ": " + e.getValue() + ")").toList()).append('\n');
        b.append("median event time from first request to first flag: ").append(medianTimeToFirstFlag()).append('\n');
        return b.toString();
    }
}
