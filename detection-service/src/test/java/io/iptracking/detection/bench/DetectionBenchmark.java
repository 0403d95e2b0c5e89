package io.iptracking.detection.bench;

import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.traffic.LabelledTraffic;
import io.iptracking.common.testing.traffic.TrafficGenerator;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.TestProperties;
import io.iptracking.detection.stream.DetectionListener;
import io.iptracking.detection.stream.DetectionTopology;
import io.iptracking.detection.stream.Requests;
import io.iptracking.detection.stream.StreamsSettings;
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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.ConsumerPerformance;

/**
 * Detection on a real broker, in one run: sustained throughput against Kafka's own
 * {@code ConsumerPerformance} on the same topic, then detection latency (the 101st request produced
 * to its HIGH_VOLUME flag consumed by a read_committed consumer) over many IPs. Production defaults
 * (exactly_once_v2, 100 ms commits). Not a test: run it with
 * {@code ./mvnw -B -pl detection-service -am -Pbench -DskipTests package}.
 *
 * <p>Arguments (optional): number of IPs for the latency run (default 200), days of generated
 * traffic for the throughput run (default 2).
 */
public final class DetectionBenchmark {

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
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(Stream.of(Topics.ENRICHED_REQUESTS, Topics.FLAGGED, Topics.REQUESTS_DLQ).map(t -> t.newTopic(1)).toList())
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
            // The default commit interval first (its instance then serves the latency run), then a
            // longer one: commits are what flags wait for, and what throughput pays for.
            for (String commitInterval : List.of("100ms", "1s")) {
                String applicationId = "ipt-detection-bench-" + UUID.randomUUID();
                StreamsBuilderFactoryBean detection = detection(bootstrap, applicationId, commitInterval);
                long start = System.nanoTime();
                detection.start();
                long[] progress = {0}; // when the first offsets were committed
                // Polled every 50 ms: the time it takes is the figure.
                await("all events committed").atMost(Duration.ofMinutes(10)).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(50)).until(() -> {
                            long committed = committed(admin, applicationId);
                            if (committed > 0 && progress[0] == 0) {
                                progress[0] = System.nanoTime();
                            }
                            return committed >= produced;
                        });
                long done = System.nanoTime();
                long firstProgress = progress[0];
                double total = produced / ((done - start) / 1e9);
                double sustained = produced / ((done - firstProgress) / 1e9);
                rows.add(String.format(Locale.ROOT, "| detection, commit.interval %s | %.0f | %.0f | %.3f |", commitInterval, total,
                        sustained, sustained / refRates[1]));
                if (latencyRun == null) {
                    latencyRun = detection;
                    latencyGroup = applicationId;
                } else {
                    detection.stop();
                }
            }
            System.out.println();
            System.out.println("Throughput (" + produced + " generated events, " + Topics.ENRICHED_REQUESTS.partitions()
                    + " partitions, one stream thread, exactly_once_v2)");
            System.out.println("| what | events/s from start | events/s sustained | ratio to ConsumerPerformance fetch |");
            System.out.println("|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "| ConsumerPerformance (nMsg.sec; fetch.nMsg.sec) | %.0f | %.0f | 1 |%n", refRates[0], refRates[1]);
            System.out.println("(from start: includes group join and task start; sustained: first commit to caught up)");
            System.out.println();

            latency(bootstrap, admin, latencyGroup, latencyIps, traffic);
        } finally {
            if (latencyRun != null) {
                latencyRun.stop();
            }
        }
    }

    /** Detection as the service runs it ({@link StreamsSetup}), not started. */
    private static StreamsBuilderFactoryBean detection(String bootstrap, String applicationId, String commitInterval) throws Exception {
        Path state = Files.createTempDirectory(Path.of("target"), "detection-bench-");
        DetectionProperties p = TestProperties.with(Map.of(
                "detection.kafka.application-id", applicationId,
                "detection.kafka.state-dir", state.toString(),
                "detection.kafka.commit-interval", commitInterval));
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of(bootstrap));
        StreamsBuilderFactoryBean detection = StreamsSetup.application("detection", StreamsSettings.of(p, kafka, new DeadLetters()),
                topology -> DetectionTopology.addTo(topology, p, Clock.systemUTC(), DetectionListener.NONE), new SimpleMeterRegistry());
        // What the application context does for a bean: create the builder, then build the topology.
        detection.afterPropertiesSet();
        detection.afterSingletonsInstantiated();
        return detection;
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
                    producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), ip,
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
                producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), ip, last));
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
                producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), e.request().ip(), e));
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
