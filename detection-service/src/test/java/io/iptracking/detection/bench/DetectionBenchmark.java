package io.iptracking.detection.bench;

import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.ThreadCpu;
import io.iptracking.common.testing.traffic.LabelledTraffic;
import io.iptracking.common.testing.traffic.TrafficGenerator;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.TestProperties;
import io.iptracking.detection.stream.DetectionListener;
import io.iptracking.detection.stream.DetectionTopology;
import io.iptracking.detection.stream.Requests;
import io.iptracking.detection.stream.StreamsSettings;
import io.iptracking.detection.window.ClientWindow;
import io.iptracking.detection.window.ClientWindowSerde;
import io.iptracking.detection.window.Counting;
import io.iptracking.detection.window.RequestFacts;
import io.iptracking.streams.DeadLetters;
import io.iptracking.streams.StreamsSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.tools.ConsumerPerformance;

/**
 * Detection on a real broker, in one run, figures side by side: the state bytes of one client at 10,
 * 1,000 and 100,000 requests an hour; sustained throughput at several commit intervals against a Kafka
 * Streams topology with the same exactly-once settings that copies each record unread (and Kafka's own
 * {@code ConsumerPerformance}) on the same topic; throughput on a heavy-hitter mix (100 clients sending
 * most of the traffic among 100,000 light ones); then detection latency (the 101st request produced
 * to its HIGH_VOLUME flag consumed by a read_committed consumer) over many clients at the default
 * commit interval. Not a test: run it with
 * {@code ./mvnw -B -pl detection-service -am -Pbench -DskipTests package}.
 *
 * <p>Arguments (optional): number of clients for the latency run (default 200), days of generated
 * traffic for the throughput run (default 2).
 */
public final class DetectionBenchmark {

    /** Stream threads of detection and of the pass-through: {@code -Dbench.stream-threads}, or detection's default. */
    private static final int STREAM_THREADS = System.getProperty("bench.stream-threads", "").isBlank()
            ? TestProperties.defaults().kafka().streamThreads() : Integer.parseInt(System.getProperty("bench.stream-threads"));

    /** Detection's default commit interval: the latency and heavy-hitter runs use it. */
    private static final String DEFAULT_INTERVAL = TestProperties.defaults().kafka().commitInterval().toMillis() + "ms";

    public static void main(String[] args) throws Exception {
        int latencyIps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        System.out.printf(Locale.ROOT, "machine: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim());
        TestKafka kafka = TestKafka.exactlyOnce();
        // The JUnit callback is the fixture's way to start a configured broker by hand.
        kafka.beforeAll(null);
        try {
            run(kafka.bootstrapServers(), latencyIps, days);
        } finally {
            kafka.close();
        }
        // Kafka's tools leave non-daemon threads behind.
        System.exit(0);
    }

    private static void run(String bootstrap, int latencyIps, int days) throws Exception {
        stateBytes();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(Stream.of(Topics.ENRICHED_REQUESTS, Topics.FLAGGED, Topics.REQUESTS_DLQ).map(t -> t.newTopic(1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic(COPIES, Topics.ENRICHED_REQUESTS.partitions(), (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }

        LabelledTraffic traffic = TrafficGenerator.withSeed(1).duration(Duration.ofHours(24L * days)).users(3000 * days)
                .attacksAfter(Duration.ofHours(24)).generate();
        long produced = produce(bootstrap, traffic.events());
        System.out.printf(Locale.ROOT, "produced %d generated events (%d IPs) to %s%n", produced, traffic.actors().size(),
                Topics.ENRICHED_REQUESTS.name());

        String reference = consumerPerformance(bootstrap, produced);

        double[] refRates = parseConsumerPerformance(reference);
        List<String> rows = new ArrayList<>();
        StreamsBuilderFactoryBean latencyRun = null;
        String latencyGroup = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // The pass-through and detection at each commit interval; the default interval last, so that
            // its instance serves the latency run. Commits are what flags wait for, and what throughput
            // pays for.
            Map<String, Double> passThrough = new HashMap<>();
            // A pass-through and a detection run first, not counted: the JIT warms up on Kafka Streams'
            // code and on detection's.
            copyRate(admin, bootstrap, DEFAULT_INTERVAL, produced);
            String warmUpId = "ipt-detection-warm-up-" + UUID.randomUUID();
            StreamsBuilderFactoryBean warmUp = detection(bootstrap, warmUpId, DEFAULT_INTERVAL);
            sustained("detection warm-up", admin, warmUp, warmUpId, produced);
            warmUp.stop();
            // The default last: its instance serves the latency run.
            List<String> intervals = Stream.concat(Stream.of("1000ms", "250ms", "100ms").filter(i -> !i.equals(DEFAULT_INTERVAL)),
                    Stream.of(DEFAULT_INTERVAL)).toList();
            for (String commitInterval : intervals) {
                // The better of two: the reference is what Kafka Streams can do here, and this machine is noisy.
                double copied = Math.max(copyRate(admin, bootstrap, commitInterval, produced),
                        copyRate(admin, bootstrap, commitInterval, produced));
                passThrough.put(commitInterval, copied);
                String applicationId = "ipt-detection-bench-" + UUID.randomUUID();
                StreamsBuilderFactoryBean detection = detection(bootstrap, applicationId, commitInterval);
                double[] pace = sustained("detection, commit.interval " + commitInterval, admin, detection, applicationId, produced);
                rows.add(String.format(Locale.ROOT, "| detection, commit.interval %s | %.0f | %.0f | %.0f | %.2f | %.3f |",
                        commitInterval, pace[0], pace[1], copied, pace[1] / copied, pace[1] / refRates[1]));
                if (commitInterval.equals(DEFAULT_INTERVAL)) {
                    latencyRun = detection;
                    latencyGroup = applicationId;
                } else {
                    detection.stop();
                }
            }
            System.out.println();
            System.out.println("Throughput (" + produced + " generated events, " + Topics.ENRICHED_REQUESTS.partitions()
                    + " partitions, " + STREAM_THREADS + " stream thread" + (STREAM_THREADS == 1 ? "" : "s") + ", exactly_once_v2)");
            System.out.println("| what | events/s from start | events/s sustained | pass-through records/s (same settings, better of two) "
                    + "| ratio to pass-through | ratio to ConsumerPerformance fetch |");
            System.out.println("|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "| ConsumerPerformance (nMsg.sec; fetch.nMsg.sec) | %.0f | %.0f | | | 1 |%n", refRates[0], refRates[1]);
            System.out.println("(from start: includes group join and task start; sustained: first commit to caught up)");
            System.out.println();

            latency(bootstrap, admin, latencyGroup, latencyIps, traffic);
            latencyRun.stop();
            latencyRun = null;
            heavyHitters(bootstrap, admin, passThrough.get(DEFAULT_INTERVAL));
        } finally {
            if (latencyRun != null) {
                latencyRun.stop();
            }
        }
    }

    /** Sustained records/s of a fresh pass-through application over the whole topic. */
    private static double copyRate(Admin admin, String bootstrap, String commitInterval, long records) throws Exception {
        String copyId = "ipt-pass-through-bench-" + UUID.randomUUID();
        StreamsBuilderFactoryBean copy = passThrough(bootstrap, copyId, commitInterval);
        double copied = sustained("pass-through, commit.interval " + commitInterval, admin, copy, copyId, records)[1];
        copy.stop();
        return copied;
    }

    /** The topic the pass-through topology copies to. */
    private static final String COPIES = "bench.copies";

    /**
     * Starts an application and waits until it has committed {@code records}; returns records/s from
     * start and sustained, and prints the CPU time per record by kind of thread while sustained.
     */
    private static double[] sustained(String label, Admin admin, StreamsBuilderFactoryBean application, String applicationId, long records) {
        long start = System.nanoTime();
        application.start();
        long[] progress = {0, 0}; // when the first offsets were committed, and how many
        ThreadCpu[] cpu = {null};
        // Polled every 50 ms: the time it takes is the figure.
        await("all events committed").atMost(Duration.ofMinutes(15)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    long committed = committed(admin, applicationId);
                    if (committed > 0 && progress[0] == 0) {
                        progress[0] = System.nanoTime();
                        progress[1] = committed;
                        cpu[0] = ThreadCpu.start();
                    }
                    return committed >= records;
                });
        long done = System.nanoTime();
        System.out.println("CPU per record, " + label + ": "
                + cpu[0].perRecord(Math.max(1, records - progress[1])));
        return new double[] {records / ((done - start) / 1e9), records / ((done - progress[0]) / 1e9)};
    }

    /**
     * A Kafka Streams application with detection's settings (exactly-once, the commit interval, one
     * thread) whose topology copies each enriched request, unread, to another topic: what Kafka Streams
     * itself costs here. Detection can be no faster than this.
     */
    private static StreamsBuilderFactoryBean passThrough(String bootstrap, String applicationId, String commitInterval)
            throws Exception {
        return application("pass-through", bootstrap, applicationId, commitInterval, (topology, p) -> {
                    topology.addSource("requests", new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                            Topics.ENRICHED_REQUESTS.name());
                    topology.addProcessor("copy", () -> new Processor<byte[], byte[], byte[], byte[]>() {
                        private ProcessorContext<byte[], byte[]> context;

                        @Override
                        public void init(ProcessorContext<byte[], byte[]> context) {
                            this.context = context;
                        }

                        @Override
                        public void process(Record<byte[], byte[]> record) {
                            context.forward(record);
                        }
                    }, "requests");
                    topology.addSink("copies", COPIES, new ByteArraySerializer(), new ByteArraySerializer(), "copy");
                });
    }

    /** The serialized window of one client at 10, 1,000 and 100,000 requests an hour (hostile: distinct 2 KB paths, 500-character agents). */
    private static void stateBytes() {
        DetectionProperties p = TestProperties.defaults();
        ClientWindowSerde serde = new ClientWindowSerde();
        Counting counting = new Counting(p.rules().authFailures().statuses(), true);
        long bucket = p.window().bucket().toMillis();
        long hour = Duration.ofHours(1).toMillis();
        System.out.println("State per client (serialized window; distinct 2 KB paths, 500-character user agents, 404/401/500 answers)");
        System.out.println("| requests an hour | bytes |");
        System.out.println("|---|---|");
        for (int perHour : new int[] {10, 1_000, 100_000}) {
            ClientWindow w = new ClientWindow(bucket, p.rules().scanning().minDistinctPaths());
            for (int i = 0; i < perHour; i++) {
                long at = 1_780_000_000_000L + i * hour / perHour;
                w.add(new RequestFacts(at, i % 3 == 0 ? 404 : i % 3 == 1 ? 401 : 500, "/" + "p".repeat(2_030) + i,
                        "x".repeat(490) + i, false, true, false), counting, Geo.UNKNOWN, at - hour - p.window().grace().toMillis(), p.window().buckets());
            }
            System.out.printf(Locale.ROOT, "| %,d | %,d |%n", perHour, serde.serialize("t", w).length);
        }
        System.out.println();
    }

    /**
     * Throughput on a heavy-hitter mix: 100 clients send 5,000 requests each, 100,000 others 3 each,
     * interleaved over an hour, to a fresh topic; detection at the default commit interval.
     */
    private static void heavyHitters(String bootstrap, Admin admin, double passThroughRate) throws Exception {
        admin.deleteTopics(List.of(Topics.ENRICHED_REQUESTS.name())).all().get(30, TimeUnit.SECONDS);
        await("the topic deleted").atMost(Duration.ofMinutes(1)).until(() -> !admin.listTopics().names().get()
                .contains(Topics.ENRICHED_REQUESTS.name()));
        await("the topic created again").atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> {
            admin.createTopics(List.of(Topics.ENRICHED_REQUESTS.newTopic(1))).all().get(30, TimeUnit.SECONDS);
            return true;
        });
        List<EnrichedRequestEvent> events = new ArrayList<>();
        Instant t0 = Instant.now().minus(Duration.ofHours(2));
        java.util.Random random = new java.util.Random(7);
        int heavy = 100;
        int light = 100_000;
        for (int i = 0; i < heavy * 5_000 + light * 3; i++) {
            boolean isHeavy = i % 8 < 5; // about 500,000 heavy and 300,000 light requests, interleaved
            int client = isHeavy ? random.nextInt(heavy) : heavy + random.nextInt(light);
            String ip = "10." + (client >> 16 & 0xFF) + "." + (client >> 8 & 0xFF) + "." + (client & 0xFF);
            events.add(Requests.get(ip, t0.plusMillis(i * 4L), isHeavy ? "/api/items/" + random.nextInt(50) : "/", 200));
        }
        long produced = produce(bootstrap, events);
        String applicationId = "ipt-detection-heavy-" + UUID.randomUUID();
        StreamsBuilderFactoryBean detection = detection(bootstrap, applicationId, DEFAULT_INTERVAL);
        double[] pace = sustained("detection, heavy-hitter mix", admin, detection, applicationId, produced);
        detection.stop();
        System.out.printf(Locale.ROOT, "Heavy-hitter mix (%,d events: %d clients with most of them among %,d), commit.interval %s%n",
                produced, heavy, light, DEFAULT_INTERVAL);
        System.out.println("| events/s from start | events/s sustained | ratio to the pass-through above (" + DEFAULT_INTERVAL + ") |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| %.0f | %.0f | %.2f |%n", pace[0], pace[1], pace[1] / passThroughRate);
    }

    /** Detection as the service runs it ({@link StreamsSetup}), not started. */
    private static StreamsBuilderFactoryBean detection(String bootstrap, String applicationId, String commitInterval) throws Exception {
        return application("detection", bootstrap, applicationId, commitInterval,
                (topology, p) -> DetectionTopology.addTo(topology, p, Clock.systemUTC(), DetectionListener.NONE));
    }

    /**
     * An application with detection's Streams settings (its own state directory under target/, the
     * commit interval given), its topology built by {@code topology}, not started.
     */
    private static StreamsBuilderFactoryBean application(String name, String bootstrap, String applicationId,
            String commitInterval, java.util.function.BiConsumer<org.apache.kafka.streams.Topology, DetectionProperties> topology)
            throws Exception {
        Path state = Files.createTempDirectory(Path.of("target"), name + "-bench-");
        DetectionProperties p = TestProperties.with(Map.of(
                "detection.kafka.application-id", applicationId,
                "detection.kafka.state-dir", state.toString(),
                "detection.kafka.commit-interval", commitInterval,
                "detection.kafka.stream-threads", String.valueOf(STREAM_THREADS)));
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of(bootstrap));
        StreamsBuilderFactoryBean application = StreamsSetup.application(name, StreamsSettings.of(p, kafka, new DeadLetters()),
                t -> topology.accept(t, p), new SimpleMeterRegistry());
        // What the application context does for a bean: create the builder, then build the topology.
        application.afterPropertiesSet();
        application.afterSingletonsInstantiated();
        return application;
    }

    private static void latency(String bootstrap, Admin admin, String applicationId, int ips, LabelledTraffic traffic) throws Exception {
        int limit = TestProperties.defaults().rules().highVolume().maxRequests();
        Instant lastGenerated = traffic.events().getLast().request().timestamp();
        Instant t0 = Instant.now().isAfter(lastGenerated) ? Instant.now() : lastGenerated.plusSeconds(3600);
        List<ClientIp> targets = new ArrayList<>();
        for (int i = 0; i < ips; i++) {
            // 203.0.113.0/24 and up: apart from the generated traffic's ranges.
            targets.add(ClientIp.fromBytes(new byte[] {(byte) 203, 0, (byte) (113 + i / 250), (byte) (i % 250 + 1)}));
        }
        Set<ClientIp> wanted = Set.copyOf(targets);
        Map<ClientIp, Long> received = new ConcurrentHashMap<>();
        KafkaConsumer<ClientIp, FlaggedIp> consumer = flagConsumer(bootstrap);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int i = 0; i < Topics.FLAGGED.partitions(); i++) {
            partitions.add(new TopicPartition(Topics.FLAGGED.name(), i));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread reader = Thread.ofPlatform().name("flag-reader").start(() -> {
            while (!Thread.currentThread().isInterrupted() && received.size() < wanted.size()) {
                consumer.poll(Duration.ofMillis(20)).forEach(r -> {
                    if (wanted.contains(r.key())) {
                        received.putIfAbsent(r.key(), System.nanoTime());
                    }
                });
            }
        });

        Map<ClientIp, Long> sent = new HashMap<>();
        try (KafkaProducer<ClientIp, EnrichedRequestEvent> producer = producer(bootstrap)) {
            for (ClientIp ip : targets) {
                for (int i = 0; i < limit; i++) {
                    producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), ClientNetwork.keyOf(ip),
                            Requests.get(ip.toString(), t0.plusMillis(i * 100L), "/shop", 200)));
                }
            }
            producer.flush();
            long end = endOffsets(admin);
            await("the limit-filling requests committed").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> committed(admin, applicationId) >= end);
            for (ClientIp ip : targets) {
                EnrichedRequestEvent last = Requests.get(ip.toString(), t0.plusMillis(limit * 100L), "/shop", 200);
                sent.put(ip, System.nanoTime());
                producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), ClientNetwork.keyOf(ip), last));
                // Requests arrive one at a time, as over-limit requests from many clients would: pacing,
                // not waiting for something to happen.
                TimeUnit.MILLISECONDS.sleep(20);
            }
            producer.flush();
        }
        reader.join(Duration.ofSeconds(60));
        reader.interrupt();
        reader.join();
        consumer.close();
        double[] ms = targets.stream().filter(received::containsKey)
                .mapToDouble(ip -> (received.get(ip) - sent.get(ip)) / 1e6).sorted().toArray();
        System.out.printf(Locale.ROOT, "Detection latency, %d IPs (101st request produced -> flag consumed, read_committed)%n", ips);
        System.out.println("| flags received | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| %d of %d | %.0f | %.0f | %.0f | %.0f |%n", ms.length, ips, pct(ms, 0.5), pct(ms, 0.9),
                pct(ms, 0.99), ms.length == 0 ? Double.NaN : ms[ms.length - 1]);
    }

    private static double pct(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static long produce(String bootstrap, List<EnrichedRequestEvent> events) {
        try (KafkaProducer<ClientIp, EnrichedRequestEvent> producer = producer(bootstrap)) {
            for (EnrichedRequestEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), ClientNetwork.keyOf(e.request().ip()), e));
            }
            producer.flush();
        }
        return events.size();
    }

    private static KafkaProducer<ClientIp, EnrichedRequestEvent> producer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(config, Topics.ENRICHED_REQUESTS.keySerde().serializer(), Topics.ENRICHED_REQUESTS.valueSerde().serializer());
    }

    private static KafkaConsumer<ClientIp, FlaggedIp> flagConsumer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return new KafkaConsumer<>(config, Topics.FLAGGED.keySerde().deserializer(), Topics.FLAGGED.valueSerde().deserializer());
    }

    /** Input records the detection group has committed, over all partitions. */
    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.ENRICHED_REQUESTS.name()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private static long endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int i = 0; i < Topics.ENRICHED_REQUESTS.partitions(); i++) {
            request.put(new TopicPartition(Topics.ENRICHED_REQUESTS.name(), i), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get().values().stream().mapToLong(r -> r.offset()).sum();
    }

    /** Runs Kafka's ConsumerPerformance in this JVM on the same topic and returns what it printed. */
    private static String consumerPerformance(String bootstrap, long records) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ConsumerPerformance.main(new String[] {"--bootstrap-server", bootstrap, "--topic", Topics.ENRICHED_REQUESTS.name(),
                    "--num-records", Long.toString(records), "--timeout", "120000", "--group", "perf-" + UUID.randomUUID()});
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        System.out.println("ConsumerPerformance:\n" + printed.trim());
        return printed;
    }

    /** nMsg.sec and fetch.nMsg.sec from ConsumerPerformance's output. */
    private static double[] parseConsumerPerformance(String printed) {
        List<String> lines = printed.lines().filter(l -> !l.isBlank()).toList();
        List<String> header = Arrays.stream(lines.get(0).split(",")).map(String::trim).toList();
        List<String> values = Arrays.stream(lines.get(1).split(",")).map(String::trim).collect(Collectors.toList());
        return new double[] {Double.parseDouble(values.get(header.indexOf("nMsg.sec"))),
                Double.parseDouble(values.get(header.indexOf("fetch.nMsg.sec")))};
    }

    private DetectionBenchmark() {
    }
}
