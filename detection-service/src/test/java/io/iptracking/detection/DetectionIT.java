package io.iptracking.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.detection.stream.DetectionStreams;
import io.iptracking.detection.stream.Requests;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole service on a real (embedded) Kafka broker: flags read by a plain consumer, restarts and a
 * second instance, with exactly-once processing.
 */
class DetectionIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka()
            // exactly_once_v2 needs a transaction log, which defaults to 3 replicas.
            .withBrokerProperty("transaction.state.log.replication.factor", "1")
            .withBrokerProperty("transaction.state.log.min.isr", "1")
            .withBrokerProperty("group.initial.rebalance.delay.ms", "0");

    static final int LIMIT = TestProperties.defaults().rules().highVolume().maxRequests();

    final List<RunningDetection> running = new ArrayList<>();
    String applicationId;
    KafkaProducer<ClientIp, EnrichedRequestEvent> producer;
    KafkaConsumer<ClientIp, FlaggedIp> flags;

    @BeforeEach
    void clients() {
        applicationId = "ipt-detection-it-" + UUID.randomUUID();
        producer = KAFKA.producer(Topics.ENRICHED_REQUESTS.keySerde().serializer(), Topics.ENRICHED_REQUESTS.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        running.forEach(RunningDetection::close);
        producer.close();
        if (flags != null) {
            flags.close();
        }
    }

    @Test
    void theRequestOverTheLimitIsFlaggedAtOnceAndRestartsNeitherLoseNorRepeatFlags() {
        Path state = Path.of("target", "it-state", applicationId);
        ClientIp ip = ClientIp.parse("203.0.113.101");
        Instant t0 = Instant.now();
        RunningDetection first = start(state);
        ManagementEndpoints.assertHealthyWithPrometheus(first.port);
        subscribeToFlags();

        send(ip, t0, 0, 60);
        awaitRequests(first, ip, 60);
        first.close();
        running.remove(first);

        // Same application id and state directory: the instance restarts on its local state.
        RunningDetection second = start(state);
        send(ip, t0, 60, LIMIT);
        awaitRequests(second, ip, LIMIT);
        assertThat(committedFlags()).as("no flag at the limit").isEmpty();

        long produced = System.nanoTime();
        send(ip, t0, LIMIT, LIMIT + 1);
        List<ConsumerRecord<ClientIp, FlaggedIp>> flagged = TestKafka.poll(flags, 1, Duration.ofSeconds(10));
        long latencyMs = (System.nanoTime() - produced) / 1_000_000;
        assertThat(flagged).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(ip);
            assertThat(r.value().rule()).isEqualTo(FlagRule.HIGH_VOLUME);
            assertThat(r.value().requestCount()).isEqualTo(LIMIT + 1);
        });
        System.out.printf("DetectionIT: 101st request produced -> flag consumed in %d ms%n", latencyMs);
        assertThat(ManagementEndpoints.get(second.port, "/actuator/prometheus").body())
                .contains("ipt_detection_flags_total{application=\"detection-service\",rule=\"HIGH_VOLUME\"} 1.0");

        second.close();
        running.remove(second);
        RunningDetection third = start(state);
        send(ip, t0, LIMIT + 1, LIMIT + 21);
        awaitRequests(third, ip, LIMIT + 21);
        awaitInputCommitted();
        assertThat(committedFlags()).as("the cool-down survived the restart").isEmpty();
        // The topic as a new reader sees it: exactly one flag for the IP across three runs.
        assertThat(KAFKA.consume(Topics.FLAGGED.name(), 1, Duration.ofSeconds(10), Topics.FLAGGED.keySerde().deserializer(),
                Topics.FLAGGED.valueSerde().deserializer())).filteredOn(r -> r.key().equals(ip)).hasSize(1);
    }

    @Test
    void twoInstancesSharePartitionsAndStoppingOneMovesItsWorkWithoutLostOrRepeatedFlags() {
        RunningDetection a = start(Path.of("target", "it-state", applicationId, "a"));
        RunningDetection b = start(Path.of("target", "it-state", applicationId, "b"));
        await().atMost(Duration.ofSeconds(60)).until(() -> running(a) && running(b)
                && a.bean(DetectionStreams.class).streams().metadataForAllStreamsClients().size() == 2
                && a.bean(DetectionStreams.class).streams().metadataForAllStreamsClients().stream().allMatch(m -> !m.topicPartitions().isEmpty()));
        subscribeToFlags();

        List<ClientIp> ips = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            ips.add(ClientIp.parse("198.51.100." + i));
        }
        Instant t0 = Instant.now();
        ips.forEach(ip -> send(ip, t0, 0, LIMIT));
        ips.forEach(ip -> awaitRequests(a, ip, LIMIT));

        // Any instance answers for any IP: the one without its partition redirects to the one with it.
        Map<Integer, List<ClientIp>> byOwner = ips.stream().collect(Collectors.groupingBy(ip -> ownerPort(a, ip)));
        assertThat(byOwner).containsOnlyKeys(a.port, b.port);
        ClientIp onB = byOwner.get(b.port).getFirst();
        HttpResponse<String> redirect = ManagementEndpoints.get(a.port, "/api/v1/ips/" + onB + "/activity");
        assertThat(redirect.statusCode()).isEqualTo(307);
        assertThat(redirect.headers().firstValue("Location")).contains("http://127.0.0.1:" + b.port + "/api/v1/ips/" + onB + "/activity");

        b.close();
        running.remove(b);
        ips.forEach(ip -> send(ip, t0, LIMIT, LIMIT + 10));
        ips.forEach(ip -> awaitRequests(a, ip, LIMIT + 10));
        awaitInputCommitted();
        List<ConsumerRecord<ClientIp, FlaggedIp>> flagged = committedFlags().stream().filter(r -> ips.contains(r.key())).toList();
        assertThat(flagged).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ips);
        assertThat(flagged).allSatisfy(r -> assertThat(r.value().rule()).isEqualTo(FlagRule.HIGH_VOLUME));
    }

    @Test
    void answersForAnUnknownIpAndRefusesSomethingElse() {
        RunningDetection a = start(Path.of("target", "it-state", applicationId));
        await().atMost(Duration.ofSeconds(60)).until(() -> running(a));
        HttpResponse<String> unknown = ManagementEndpoints.get(a.port, "/api/v1/ips/192.0.2.200/activity");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No request from 192.0.2.200 in the current window.");
        HttpResponse<String> bad = ManagementEndpoints.get(a.port, "/api/v1/ips/not-an-ip/activity");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    private RunningDetection start(Path state) {
        RunningDetection r = RunningDetection.start(KAFKA.bootstrapServers(), applicationId, state, Map.of());
        running.add(r);
        await().atMost(Duration.ofSeconds(60)).until(() -> running(r));
        return r;
    }

    private static boolean running(RunningDetection r) {
        return r.bean(DetectionStreams.class).streams().state() == KafkaStreams.State.RUNNING;
    }

    private int ownerPort(RunningDetection any, ClientIp ip) {
        return any.bean(DetectionStreams.class).streams().queryMetadataForKey(io.iptracking.detection.stream.DetectionTopology.ACTIVITY_STORE,
                ip, Topics.ENRICHED_REQUESTS.keySerde().serializer()).activeHost().port();
    }

    /** Requests {@code from} (inclusive) to {@code to} (exclusive) of a steady client, one a second from {@code t0}. */
    private void send(ClientIp ip, Instant t0, int from, int to) {
        for (int i = from; i < to; i++) {
            EnrichedRequestEvent e = Requests.get(ip.toString(), t0.plusSeconds(i), "/shop/" + (i % 7), 200);
            producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), ip, e));
        }
        producer.flush();
    }

    /** Waits until the activity endpoint (any instance; redirects followed) shows {@code n} requests from the IP. */
    private void awaitRequests(RunningDetection any, ClientIp ip, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> r = ManagementEndpoints.get(any.port, "/api/v1/ips/" + ip + "/activity");
            if (r.statusCode() == 307) {
                String location = r.headers().firstValue("Location").orElseThrow();
                int port = Integer.parseInt(location.replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1"));
                r = ManagementEndpoints.get(port, "/api/v1/ips/" + ip + "/activity");
            }
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"requests\":" + n + ",");
        });
    }

    /**
     * Waits until detection has committed every input record: its transactions are then closed, so
     * {@link #committedFlags()} sees every flag it will ever emit for them.
     */
    private void awaitInputCommitted() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < Topics.ENRICHED_REQUESTS.partitions(); i++) {
                latest.put(new TopicPartition(Topics.ENRICHED_REQUESTS.name(), i), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get();
                return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
            });
        } catch (Exception e) {
            throw new AssertionError("could not read offsets", e);
        }
    }

    private void subscribeToFlags() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "flags-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Flags from a transaction that a crash aborted must never be read.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        flags = new KafkaConsumer<>(config, Topics.FLAGGED.keySerde().deserializer(), Topics.FLAGGED.valueSerde().deserializer());
        flags.subscribe(List.of(Topics.FLAGGED.name()));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            flags.poll(Duration.ofMillis(100));
            return !flags.assignment().isEmpty();
        });
    }

    /** Every committed flag not read yet: polls until the consumer has reached the end of each partition. */
    private List<ConsumerRecord<ClientIp, FlaggedIp>> committedFlags() {
        List<ConsumerRecord<ClientIp, FlaggedIp>> read = new ArrayList<>();
        Map<TopicPartition, Long> end = flags.endOffsets(flags.assignment());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            flags.poll(Duration.ofMillis(100)).forEach(read::add);
            return end.entrySet().stream().allMatch(e -> flags.position(e.getKey()) >= e.getValue());
        });
        return read;
    }
}
