package io.iptracking.e2e;

import static org.awaitility.Awaitility.await;

import io.iptracking.common.testing.ManagementEndpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The whole stack under sustained load, printed in one run: events/s through the edge and the
 * pipeline with the consumer lag of every stage, the counts at each stage (nothing lost), block
 * propagation (admin API call → edge 403) and flag latency (threshold request at the edge → flag
 * consumed) measured while the load runs, and, as the reference from the same run, the demo app
 * answering the same requests directly.
 *
 * <pre>deploy/bench/stack-benchmark.sh [--rate 400] [--seconds 90] [--blocks 50] [--flag-ips 100]</pre>
 */
public final class StackBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private static final List<String> GROUPS = List.of("enrichment-service", "ipt-detection", "admin-service.request-log");
    private static final Map<String, String> INPUT_OF = Map.of("enrichment-service", "ip.requests.v1",
            "ipt-detection", "ip.requests.enriched.v1", "admin-service.request-log", "ip.requests.enriched.v1");

    private final int rate;
    private final int seconds;
    private final int blocks;
    private final int flagIps;
    private final Stack stack;
    private final LongAdder requests = new LongAdder();
    private final Map<String, Long> maxLag = new ConcurrentHashMap<>();

    private StackBenchmark(Map<String, Integer> options) {
        rate = options.getOrDefault("rate", 400);
        seconds = options.getOrDefault("seconds", 90);
        blocks = options.getOrDefault("blocks", 50);
        flagIps = options.getOrDefault("flag-ips", 100);
        // The services as users run them (full JIT), not the end-to-end tests' quick-start flags.
        stack = Stack.up(Map.of("STACK_JAVA_OPTS", "-Xms256m -Xmx512m"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), Integer.parseInt(args[i + 1]));
        }
        StackBenchmark benchmark = new StackBenchmark(options);
        try {
            benchmark.run();
        } finally {
            benchmark.stack.close();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "stack up: edge :%d, admin :%d, kafka %s; %d cores, load %s%n", stack.edgePort,
                stack.adminPort, stack.bootstrapServers(), Runtime.getRuntime().availableProcessors(), loadAverage());
        int demoPort = Integer.parseInt(stack.environment("DEMO_PORT"));

        // Warm-up, unmeasured: JIT, connection pools, the first transactions of each stage.
        Load warmUp = new Load(stack.edgePort, rate, true);
        Thread warmUpLoad = Thread.ofPlatform().name("warm-up").start(() -> warmUp.runFor(Duration.ofSeconds(20)));
        // A few blocks too: the path from the admin API to the edge is compiled like any other.
        blockPropagation("198.18.2.", 10);
        warmUpLoad.join();
        // Reference: the demo app asked directly at the same rate, by the same client.
        Load direct = new Load(demoPort, rate, false);
        direct.runFor(Duration.ofSeconds(15));

        try (TopicReader flags = new TopicReader(stack.kafkaClient("admin"), "ip.flagged.v1");
                Admin admin = Admin.create(stack.kafkaClient("admin"))) {
            Load load = new Load(stack.edgePort, rate, true);
            Thread background = Thread.ofPlatform().name("load").start(() -> load.runFor(Duration.ofSeconds(seconds)));
            ScheduledExecutorService lagSampler = Executors.newSingleThreadScheduledExecutor();
            lagSampler.scheduleAtFixedRate(() -> lag(admin).forEach((group, lag) -> maxLag.merge(group, lag, Math::max)),
                    0, 1, TimeUnit.SECONDS);
            long started = System.nanoTime();
            // A third of the run at load only, then the latency probes under the same load.
            LockSupport.parkNanos(Duration.ofSeconds(seconds / 3).toNanos());
            long[] propagation = blockPropagation("198.18.1.", blocks);
            long[] flagLatency = flagLatency(flags, admin);
            background.join();
            double loadSeconds = (System.nanoTime() - started) / 1e9;
            long drainStart = System.nanoTime();
            // Transaction markers take an offset each: caught up is within a few offsets per partition.
            awaitLag(admin, lag -> lag.values().stream().allMatch(l -> l <= 12), Duration.ofMinutes(5));
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            lagSampler.shutdownNow();

            long edgeSent = (long) ManagementEndpoints.metric(stack.edgeManagementPort, "ipt_edge_events_sent_total");
            long edgeDropped = (long) ManagementEndpoints.metric(stack.edgeManagementPort, "ipt_edge_events_dropped_total");
            long enriched = countRecords("ip.requests.enriched.v1");
            long logged = requestLogRows();
            long totalRequests = warmUp.sent.sum() + load.sent.sum() + requests.sum();

            System.out.println();
            System.out.printf(Locale.ROOT, "Stack benchmark: offered %d req/s for %d s through the edge (plus probes), %d client IPs; load %s%n",
                    rate, seconds, Load.CLIENTS, loadAverage());
            System.out.printf(Locale.ROOT, "| %-50s | %s |%n", "measure", "value");
            System.out.printf(Locale.ROOT, "|%s|%s|%n", "-".repeat(52), "-".repeat(60));
            row("edge requests/s achieved (load phase)", String.format(Locale.ROOT, "%,.0f (offered %d; %d late by >100 ms)",
                    load.sent.sum() / loadSeconds, rate, load.late.sum()));
            row("edge latency p50 / p99 (load phase)", load.latency());
            row("reference: demo app directly, p50 / p99", direct.latency() + String.format(Locale.ROOT, " (%,.0f req/s)",
                    direct.sent.sum() / 15.0));
            row("statuses at the edge", load.statuses.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().sum())
                    .collect(Collectors.joining(", ")));
            for (String group : GROUPS) {
                row("max consumer lag, " + group, String.format(Locale.ROOT, "%,d records", maxLag.getOrDefault(group, 0L)));
            }
            row("drain after the load stopped", String.format(Locale.ROOT, "%.1f s", drainSeconds));
            row("requests sent (all phases, edge only)", String.format(Locale.ROOT, "%,d", totalRequests));
            row("events acknowledged by Kafka at the edge", String.format(Locale.ROOT, "%,d (dropped %,d)", edgeSent, edgeDropped));
            row("enriched events on ip.requests.enriched.v1", String.format(Locale.ROOT, "%,d", enriched));
            row("request-log rows in PostgreSQL", String.format(Locale.ROOT, "%,d", logged));
            row("nothing lost (requests = events = enriched = rows)",
                    totalRequests == edgeSent && edgeSent == enriched && enriched == logged ? "yes" : "NO");
            row("pipeline events/s (events / (load + drain))", String.format(Locale.ROOT, "%,.0f", load.sent.sum() / (loadSeconds + drainSeconds)));
            row("block propagation p50 / p99 / max (n=" + propagation.length + ")", percentiles(propagation) + " (target p99 < 1 s)");
            row("flag latency p50 / p99 / max (n=" + flagLatency.length + ")", percentiles(flagLatency) + " (target p99 < 1 s)");
        }
    }

    private static void row(String measure, String value) {
        System.out.printf(Locale.ROOT, "| %-50s | %s |%n", measure, value);
    }

    /** Admin API call sent → first 403 from the edge for an IP in the new block, one block at a time. */
    private long[] blockPropagation(String prefix, int blocks) {
        long[] millis = new long[blocks];
        for (int i = 0; i < blocks; i++) {
            String ip = prefix + (i + 1);
            long start = System.nanoTime();
            HttpResponse<String> created = stack.admin("POST", "/api/v1/blocks",
                    "{\"cidr\":\"" + ip + "\",\"reason\":\"stack benchmark\",\"duration\":\"10m\"}");
            if (created.statusCode() != 201) {
                throw new IllegalStateException("block refused: " + created.statusCode() + " " + created.body());
            }
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .until(() -> probe(ip) == 403);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            if (millis[i] > 500) {
                System.out.printf(Locale.ROOT, "slow block propagation: %s took %d ms (until %s)%n", ip, millis[i], java.time.Instant.now());
            }
        }
        return millis;
    }

    /**
     * {@code flagIps} clients each send the limit (100) of requests, then (once detection has caught
     * up with that burst), one client every 50 ms, the 101st: its response → the flag read by a plain
     * read_committed consumer.
     */
    private long[] flagLatency(TopicReader flags, Admin admin) {
        List<String> ips = new ArrayList<>();
        for (int i = 0; i < flagIps; i++) {
            ips.add("198.19." + (i / 250) + "." + (i % 250 + 1));
        }
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String ip : ips) {
                clients.submit(() -> {
                    for (int n = 0; n < 100; n++) {
                        probe(ip);
                    }
                });
            }
        }
        // The pre-fill is a burst on top of the load: let detection work it off (down to about a
        // second of traffic), so that what is measured is the latency under the load, not the burst.
        awaitLag(admin, lag -> lag.get("ipt-detection") <= rate, Duration.ofSeconds(60));
        Map<String, Long> sentAt = new HashMap<>();
        for (String ip : ips) {
            probe(ip);
            sentAt.put(ip, System.nanoTime());
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        Map<String, Long> flaggedAt = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (String ip : ips) {
                flags.withKey(ip).stream().filter(r -> "HIGH_VOLUME".equals(r.value().at("/rule").asString())).findFirst()
                        .ifPresent(r -> flaggedAt.put(ip, r.readAtNanos()));
            }
            return flaggedAt.size() == ips.size();
        });
        return ips.stream().mapToLong(ip -> (flaggedAt.get(ip) - sentAt.get(ip)) / 1_000_000).toArray();
    }

    private int probe(String ip) {
        requests.increment();
        return stack.edge("GET", "/products/" + (ip.hashCode() & 3), ip).statusCode();
    }

    private static void awaitLag(Admin admin, Predicate<Map<String, Long>> caughtUp, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> caughtUp.test(lag(admin)));
    }

    /** Lag of each stage's consumer group on its input topic. */
    private static Map<String, Long> lag(Admin admin) {
        Map<String, Long> lag = new HashMap<>();
        GROUPS.forEach(group -> lag.put(group, ConsumerLag.of(admin, group, INPUT_OF.get(group))));
        return lag;
    }

    /** Committed records on a topic, counted by a plain read_committed consumer from the beginning. */
    private long countRecords(String topic) throws Exception {
        Map<String, Object> config = stack.kafkaClient("admin");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            return count;
        }
    }

    private long requestLogRows() throws Exception {
        try (Connection c = stack.sql(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from request_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String percentiles(long[] millis) {
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%d / %d / %d ms", at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static long at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    /**
     * Requests at a fixed rate from many clients: each request has a slot in time; a request is
     * sent at its slot (or as soon after as a worker is free) and its latency measured from the send.
     */
    static final class Load {

        static final int CLIENTS = 20_000;
        private static final int WORKERS = 64;

        final LongAdder sent = new LongAdder();
        final LongAdder late = new LongAdder();
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        private final int port;
        private final int rate;
        private final boolean throughEdge;
        private final String[] clients = new String[CLIENTS];

        Load(int port, int rate, boolean throughEdge) {
            this.port = port;
            this.rate = rate;
            this.throughEdge = throughEdge;
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < CLIENTS; i++) {
                // Public unicast IPv4 from the ranges GeoLite2 knows, so enrichment does real lookups.
                clients[i] = (1 + random.nextInt(222)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
            }
        }

        void runFor(Duration duration) {
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            AtomicLong slot = new AtomicLong();
            try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < WORKERS; w++) {
                    workers.submit(() -> {
                        SplittableRandom random = new SplittableRandom();
                        long[] mine = new long[4096];
                        int n = 0;
                        while (true) {
                            long at = start + slot.getAndIncrement() * interval;
                            if (at >= end) {
                                break;
                            }
                            long wait = at - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            } else if (wait < -100_000_000L) {
                                late.increment();
                            }
                            String client = clients[random.nextInt(CLIENTS)];
                            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/products/"
                                    + random.nextInt(20))).timeout(Duration.ofSeconds(10));
                            if (throughEdge) {
                                request.header("X-Forwarded-For", client);
                            }
                            long t0 = System.nanoTime();
                            int status;
                            try {
                                status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                            } catch (Exception e) {
                                status = -1;
                            }
                            mine[n++] = System.nanoTime() - t0;
                            if (n == mine.length) {
                                latencies.add(mine);
                                mine = new long[4096];
                                n = 0;
                            }
                            sent.increment();
                            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                        }
                        latencies.add(Arrays.copyOf(mine, n));
                        return null;
                    });
                }
            }
        }

        String latency() {
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            if (all.length == 0) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.2f / %.2f ms", at(all, 0.50) / 1e6, at(all, 0.99) / 1e6);
        }
    }
}
