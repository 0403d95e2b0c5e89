package io.iptracking.enrichment;

import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topic;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.ThreadCpu;
import io.iptracking.enrichment.geo.DatabaseInfo;
import io.iptracking.enrichment.geo.DatabaseRole;
import io.iptracking.enrichment.geo.MaxMindGeoLookup;
import io.iptracking.enrichment.stream.EnrichmentCounters;
import io.iptracking.enrichment.stream.EnrichmentTopology;
import io.iptracking.streams.DeadLetters;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.awaitility.core.ConditionFactory;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The enrichment benchmark, printed in one run: JMH lookups/s of {@link MaxMindGeoLookup} over the real
 * GeoLite2 City database, then enriched events/s sustained by the production topology and Streams
 * configuration (exactly_once_v2) on a real broker, against Kafka's own {@code ConsumerPerformance}
 * reading the same topic on the same broker, as a ratio. Run by {@code enrichment-service/benchmark.sh}.
 *
 * <pre>
 * EnrichmentBenchmark --city .local/geoip/GeoLite2-City.mmdb [--events 2000000] [--rounds 3] [--stream-threads 2]
 *                     [--commit-interval-ms 100] [--skip-jmh]
 * </pre>
 */
public final class EnrichmentBenchmark {

    private static final int DISTINCT_IPS = 50_000;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path city = Path.of(required(options, "city"));
        int events = Integer.parseInt(options.getOrDefault("events", "2000000"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int streamThreads = Integer.parseInt(options.getOrDefault("stream-threads", "2"));
        Duration commitInterval = Duration.ofMillis(Long.parseLong(options.getOrDefault("commit-interval-ms", "100")));
        String loadBefore = loadAverage();

        List<String> report = new ArrayList<>();
        report.add("machine: nproc=" + Runtime.getRuntime().availableProcessors() + ", Java " + Runtime.version()
                + ", load average before: " + loadBefore);
        DatabaseInfo db = databaseInfo(city);
        report.add("database: " + city + " (" + db.type() + ", built " + db.buildTime() + ")");

        if (!options.containsKey("skip-jmh")) {
            report.add("");
            report.add("GeoLookup, JMH, 1 thread (lookups/s, mean ± 99.9% error):");
            for (RunResult r : jmh(city)) {
                var score = r.getPrimaryResult();
                report.add(String.format("  %-9s %,12.0f ± %,.0f   (%s)", r.getParams().getParam("answers"), score.getScore(),
                        score.getScoreError(), r.getParams().getParam("answers").equals("cached")
                                ? "per-IP cache hits, 4 096 addresses"
                                : "no per-IP cache: database and node cache, 65 536 addresses"));
            }
        }

        report.add("");
        report.add(String.format("Kafka: embedded KRaft broker in this JVM, topic %s (%d partitions), %,d events, %,d distinct IPs",
                Topics.REQUESTS.name(), Topics.REQUESTS.partitions(), events, DISTINCT_IPS));
        double cpTotal = 0;
        double enrichTotal = 0;
        double passThroughTotal = 0;
        // Broker settings exactly_once_v2 needs on a single broker; started by hand, outside JUnit.
        TestKafka kafka = TestKafka.exactlyOnce();
        kafka.beforeAll(null);
        try {
            for (Topic<?, ?> topic : List.of(Topics.REQUESTS, Topics.ENRICHED_REQUESTS, Topics.REQUESTS_DLQ)) {
                kafka.createTopic(topic.name(), topic.partitions(), topic.configs());
            }
            long bytes = produce(kafka, events);
            report.add(String.format("  produced in advance as the edge does (lz4), %,d bytes of JSON per event on average", bytes / events));
            // A service runs for weeks: the first passes through a fresh JVM (class loading, JIT) are not its
            // pace. Both topologies are warmed up, twice: Kafka's code is compiled for the records of one,
            // then compiled again once the other's reach it, and the rounds alternate them.
            for (int warmUp = 1; warmUp <= 2; warmUp++) {
                Pace copied = passThrough(kafka, events, streamThreads, commitInterval);
                Enriched enriched = enrich(kafka, city, events, streamThreads, commitInterval);
                report.add(String.format("  warm-up %d (not counted): pass-through %,10.0f records/s, enrichment %,10.0f events/s",
                        warmUp, copied.perSecond(), enriched.perSecond()));
            }
            for (int round = 1; round <= rounds; round++) {
                // The better of two runs: each is a fresh JVM, and one may lose seconds to its JIT or the machine.
                double cp = Math.max(consumerPerformance(kafka.bootstrapServers(), events),
                        consumerPerformance(kafka.bootstrapServers(), events));
                Pace copied = passThrough(kafka, events, streamThreads, commitInterval);
                Enriched enriched = enrich(kafka, city, events, streamThreads, commitInterval);
                cpTotal += cp;
                passThroughTotal += copied.perSecond();
                enrichTotal += enriched.perSecond();
                report.add(String.format("  round %d: ConsumerPerformance (better of 2) %,10.0f records/s | Streams pass-through %,10.0f records/s"
                                + " | enrichment %,10.0f events/s (per-IP cache hit ratio %.2f) | ratio to ConsumerPerformance %.2f,"
                                + " to pass-through %.2f", round, cp, copied.perSecond(), enriched.perSecond(), enriched.hitRatio(),
                        enriched.perSecond() / cp, enriched.perSecond() / copied.perSecond()));
                report.add("    CPU per record, pass-through: " + copied.cpu());
                report.add("    CPU per record, enrichment:   " + enriched.cpu());
            }
        } finally {
            kafka.close();
        }
        report.add(String.format("  Streams: %d stream thread(s), exactly_once_v2, commit every %d ms, as configured in production",
                streamThreads, commitInterval.toMillis()));
        report.add(String.format("  overall ratio (mean enrichment / mean ConsumerPerformance): %.2f (target >= 0.5)",
                enrichTotal / cpTotal));
        report.add(String.format("  overall ratio (mean enrichment / mean Streams pass-through): %.2f", enrichTotal / passThroughTotal));
        report.add("load average after: " + loadAverage());

        System.out.println();
        System.out.println("==== enrichment benchmark ====");
        report.forEach(System.out::println);
        System.out.println("==============================");
        System.exit(0);
    }

    private static DatabaseInfo databaseInfo(Path city) {
        try (MaxMindGeoLookup geo = MaxMindGeoLookup.open(new MaxMindGeoLookup.Settings(city, null, 16, 0,
                Duration.ofHours(1)), true, Ticker.systemTicker(), Clock.systemUTC())) {
            return geo.database(DatabaseRole.CITY).orElseThrow();
        }
    }

    private static java.util.Collection<RunResult> jmh(Path city) throws Exception {
        Options jmh = new OptionsBuilder()
                .include(GeoLookupBenchmark.class.getName())
                .param("cityDatabase", city.toAbsolutePath().toString())
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                .threads(1)
                .mode(org.openjdk.jmh.annotations.Mode.Throughput).timeUnit(TimeUnit.SECONDS)
                .jvmArgsAppend(childJvmOptions().toArray(String[]::new))
                .build();
        return new Runner(jmh).run();
    }

    /** Events as the edge writes them, keyed by client network, from a fixed pool of public-looking addresses. */
    private static long produce(TestKafka kafka, int events) throws Exception {
        ClientIp[] ips = ClientIps.publicMix(DISTINCT_IPS, new SplittableRandom(7));
        SplittableRandom random = new SplittableRandom(11);
        String[] paths = {"/", "/login", "/shop/cart", "/api/v1/items", "/static/app.js", "/admin"};
        long bytes = 0;
        var serializer = Topics.REQUESTS.valueSerde().serializer();
        // Configured as the edge's publisher is: idempotent, acks=all, lz4, short linger.
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<ClientIp, RequestEvent> producer = new KafkaProducer<>(config,
                Topics.REQUESTS.keySerde().serializer(), serializer)) {
            Instant t = Instant.parse("2026-02-01T00:00:00Z");
            for (int i = 0; i < events; i++) {
                RequestEvent event = new RequestEvent(UUID.randomUUID(), t.plusMillis(i), ips[random.nextInt(ips.length)],
                        "GET", "shop.example", paths[random.nextInt(paths.length)], 200, (long) random.nextInt(50),
                        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
                        null, Decision.ALLOWED, null, Mode.PROXY);
                if (i < 1000) {
                    bytes += serializer.serialize(Topics.REQUESTS.name(), event).length;
                }
                producer.send(new ProducerRecord<>(Topics.REQUESTS.name(), ClientNetwork.keyOf(event.ip()), event));
            }
            producer.flush();
        }
        return bytes * events / Math.min(events, 1000);
    }

    /** Kafka's own consumer benchmark in a JVM of its own: records/s while fetching (rebalance excluded). */
    private static double consumerPerformance(String bootstrap, int events) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(childJvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server", bootstrap, "--topic", Topics.REQUESTS.name(), "--num-records", Integer.toString(events),
                "--group", "bench-consumer-performance-" + UUID.randomUUID(), "--timeout", "60000"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(lines::add);
        }
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("ConsumerPerformance failed: " + String.join("\n", lines));
        }
        // A header line of column names, then a line of as many values (the JVM may warn in between).
        List<String> names = null;
        for (String line : lines) {
            String[] fields = line.split(",");
            if (line.startsWith("start.time")) {
                names = Arrays.stream(fields).map(String::trim).toList();
            } else if (names != null && fields.length == names.size()) {
                return Double.parseDouble(fields[names.indexOf("fetch.nMsg.sec")].trim());
            }
        }
        throw new IllegalStateException("no figures in ConsumerPerformance's output: " + String.join("\n", lines));
    }

    record Enriched(double perSecond, double hitRatio, String cpu) {
    }

    /** Records/s of one run, and where this JVM's CPU time went, per record. */
    record Pace(double perSecond, String cpu) {
    }

    /**
     * The production topology and Streams configuration, as a fresh application (from the first offset):
     * events/s from the first record processed until every offset is committed.
     */
    private static Enriched enrich(TestKafka kafka, Path city, int events, int streamThreads, Duration commitInterval)
            throws Exception {
        DeadLetters deadLetters = new DeadLetters();
        EnrichmentCounters counters = new EnrichmentCounters(deadLetters);
        try (MaxMindGeoLookup geo = MaxMindGeoLookup.open(new MaxMindGeoLookup.Settings(city, null, 4096, 100_000,
                Duration.ofHours(24)), true, Ticker.systemTicker(), Clock.systemUTC())) {
            Pace pace = run(kafka, "bench-enrichment-", EnrichmentTopology.build(geo, counters), deadLetters,
                    () -> counters.enrichedCount() + counters.deadLetteredCount(), events, streamThreads, commitInterval);
            if (counters.deadLetteredCount() != 0 || counters.enrichedCount() != events) {
                throw new IllegalStateException("expected " + events + " enriched events, got " + counters.enrichedCount()
                        + " and " + counters.deadLetteredCount() + " dead letters");
            }
            return new Enriched(pace.perSecond(), geo.cacheHitRatio(), pace.cpu());
        }
    }

    /**
     * What Kafka Streams itself costs here: the production Streams configuration running a topology that
     * copies each request record, unread, to the enriched topic. Enrichment can be no faster than this.
     */
    private static Pace passThrough(TestKafka kafka, int events, int streamThreads, Duration commitInterval)
            throws Exception {
        LongAdder copied = new LongAdder();
        Topology topology = new Topology();
        topology.addSource("requests", new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.REQUESTS.name());
        topology.addProcessor("copy", () -> new Processor<byte[], byte[], byte[], byte[]>() {
            private ProcessorContext<byte[], byte[]> context;

            @Override
            public void init(ProcessorContext<byte[], byte[]> context) {
                this.context = context;
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                context.forward(record);
                copied.increment();
            }
        }, "requests");
        topology.addSink("copies", Topics.ENRICHED_REQUESTS.name(), new ByteArraySerializer(), new ByteArraySerializer(), "copy");
        return run(kafka, "bench-pass-through-", topology, new DeadLetters(), copied::sum, events, streamThreads, commitInterval);
    }

    /** Records/s of a topology as a fresh application: from the first record processed until every offset is committed. */
    private static Pace run(TestKafka kafka, String applicationPrefix, Topology topology, DeadLetters deadLetters,
            LongSupplier processed, int events, int streamThreads, Duration commitInterval) throws Exception {
        String applicationId = applicationPrefix + UUID.randomUUID();
        EnrichmentProperties.Kafka settings = new EnrichmentProperties.Kafka(1, applicationId,
                streamThreads, commitInterval, Files.createTempDirectory("bench-streams"));
        KafkaProperties client = new KafkaProperties();
        client.setBootstrapServers(List.of(kafka.bootstrapServers()));
        try (KafkaStreams streams = new KafkaStreams(topology, EnrichmentConfiguration.streamsConfig(settings, client, deadLetters));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            streams.start();
            // Polled every 5 ms: the time it takes is the figure.
            ConditionFactory waiting = await().atMost(Duration.ofMinutes(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
            waiting.alias("the first record processed").until(() -> processed.getAsLong() > 0);
            long start = System.nanoTime();
            ThreadCpu cpu = ThreadCpu.start();
            waiting.alias("all records processed").until(() -> processed.getAsLong() >= events);
            waiting.alias("all offsets committed").until(() -> committed(admin, applicationId) >= events);
            return new Pace(events / ((System.nanoTime() - start) / 1e9), cpu.perRecord(events));
        }
    }


    private static long committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static List<String> childJvmOptions() {
        List<String> jvm = new ArrayList<>();
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null) {
            jvm.add("-Dlogback.configurationFile=" + logback);
        }
        // lz4-java loads its native library.
        jvm.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            jvm.add("--sun-misc-unsafe-memory-access=allow");
        }
        return jvm;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("skip-jmh")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
