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
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import io.iptracking.detection.stream.Requests;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
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
    static final TestKafka KAFKA = TestKafka.exactlyOnce();

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
        Instant t0 = past();
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
        List<ConsumerRecord<ClientIp, FlaggedIp>> early = FlagRecords.of(committedFlags(), List.of(ip));
        assertThat(early).as("no flag at the limit; flags read:%n%s", FlagRecords.describe(early)).isEmpty();

        long produced = System.nanoTime();
        send(ip, t0, LIMIT, LIMIT + 1);
        List<ConsumerRecord<ClientIp, FlaggedIp>> flagged = awaitFlagsOf(ip);
        long latencyMs = (System.nanoTime() - produced) / 1_000_000;
        assertThat(flagged).as("flags of %s read:%n%s", ip, FlagRecords.describe(flagged)).singleElement().satisfies(r -> {
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
        List<ConsumerRecord<ClientIp, FlaggedIp>> later = FlagRecords.of(committedFlags(), List.of(ip));
        assertThat(later).as("the cool-down survived the restart; flags read:%n%s", FlagRecords.describe(later)).isEmpty();
        // The topic as a new reader sees it: exactly one flag for the IP across three runs.
        FlagRecords.assertExactlyOneFlagEach(FlagRecords.committed(KAFKA), List.of(ip), FlagRule.HIGH_VOLUME);
    }

    @Test
    void twoInstancesSharePartitionsAndStoppingOneMovesItsWorkWithoutLostOrRepeatedFlags() {
        RunningDetection a = start(Path.of("target", "it-state", applicationId, "a"));
        RunningDetection b = start(Path.of("target", "it-state", applicationId, "b"));
        await().atMost(Duration.ofSeconds(60)).until(() -> running(a) && running(b)
                && a.bean(StreamsBuilderFactoryBean.class).getKafkaStreams().metadataForAllStreamsClients().size() == 2
                && a.bean(StreamsBuilderFactoryBean.class).getKafkaStreams().metadataForAllStreamsClients().stream().allMatch(m -> !m.topicPartitions().isEmpty()));
        subscribeToFlags();

        List<ClientIp> ips = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            ips.add(ClientIp.parse("198.51.100." + i));
        }
        Instant t0 = past();
        ips.forEach(ip -> send(ip, t0, 0, LIMIT));
        ips.forEach(ip -> awaitRequests(a, ip, LIMIT));

        // Any instance answers for any IP: the one without its partition redirects to the one with it.
        Map<Integer, List<ClientIp>> byOwner = ips.stream().collect(Collectors.groupingBy(ip -> ownerPort(a, ip)));
        assertThat(byOwner).containsOnlyKeys(a.port, b.port);
        ClientIp onB = byOwner.get(b.port).getFirst();
        HttpResponse<String> redirect = activity(a.port, onB.toString());
        assertThat(redirect.statusCode()).isEqualTo(307);
        assertThat(redirect.headers().firstValue("Location")).contains("http://127.0.0.1:" + b.port + "/api/v1/ips/" + onB + "/activity");

        b.close();
        running.remove(b);
        ips.forEach(ip -> send(ip, t0, LIMIT, LIMIT + 10));
        ips.forEach(ip -> awaitRequests(a, ip, LIMIT + 10));
        awaitInputCommitted();
        FlagRecords.assertExactlyOneFlagEach(FlagRecords.committed(KAFKA), ips, FlagRule.HIGH_VOLUME);
    }

    /**
     * What stopped the old detection for everybody: one client's distinct 2 KB paths and 500-character
     * user agents grew its stored value past Kafka's record limit, the changelog write failed and the
     * replaced stream thread replayed the same input. With bounded windows the flood is just flagged, and
     * another client's flag comes as usual.
     */
    @Test
    void aFloodOfDistinctLongPathsFromOneClientCannotStopDetection() {
        RunningDetection a = start(Path.of("target", "it-state", applicationId));
        subscribeToFlags();
        ClientIp flooding = ClientIp.parse("203.0.113.66");
        ClientIp other = ClientIp.parse("203.0.113.67");
        Instant t0 = past();
        String agent = "Mozilla/5.0 " + "x".repeat(488);
        String path = "/" + "a".repeat(2_030) + "/";
        for (int i = 0; i < 3_000; i++) {
            EnrichedRequestEvent e = Requests.request(flooding.toString(), t0.plusMillis(i * 40L), path + i, 404, null, agent + i);
            producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), flooding, e));
        }
        send(other, t0.plusSeconds(120), 0, LIMIT + 1);
        List<ConsumerRecord<ClientIp, FlaggedIp>> flagged = awaitFlagsOf(other);
        assertThat(flagged).singleElement().satisfies(r -> assertThat(r.value().rule()).isEqualTo(FlagRule.HIGH_VOLUME));
        awaitInputCommitted();
        assertThat(FlagRecords.of(FlagRecords.committed(KAFKA), List.of(flooding))).extracting(r -> r.value().rule())
                .containsExactlyInAnyOrder(FlagRule.HIGH_VOLUME, FlagRule.SCANNING);
        assertThat(running(a)).as("detection still running").isTrue();
    }

    @Test
    void answersForAnUnknownIpAndRefusesSomethingElse() {
        RunningDetection a = start(Path.of("target", "it-state", applicationId));
        await().atMost(Duration.ofSeconds(60)).until(() -> running(a));
        HttpResponse<String> unknown = activity(a.port, "192.0.2.200");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No request from 192.0.2.200 in the current window.");
        HttpResponse<String> bad = activity(a.port, "not-an-ip");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void theActivityApiAnswersOnlyAKeyTheAdminApiTakes() {
        RunningDetection a = start(Path.of("target", "it-state", applicationId));
        await().atMost(Duration.ofSeconds(60)).until(() -> running(a));
        String path = "/api/v1/ips/192.0.2.201/activity";
        for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer not-a-key"},
                new String[] {"X-API-Key", RunningDetection.VIEWER_KEY + "x"}, new String[] {"Authorization", RunningDetection.VIEWER_KEY})) {
            HttpResponse<String> refused = ManagementEndpoints.get(a.port, path, headers);
            assertThat(refused.statusCode()).as(String.join(" ", headers)).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(refused.body()).doesNotContain("192.0.2.201");
        }
        assertThat(ManagementEndpoints.get(a.port, path, "X-API-Key", RunningDetection.VIEWER_KEY).statusCode()).isEqualTo(404);
        assertThat(ManagementEndpoints.get(a.port, "/actuator/health/readiness").statusCode()).as("probes need no key").isEqualTo(200);
    }

    private static HttpResponse<String> activity(int port, String ip) {
        return ManagementEndpoints.get(port, "/api/v1/ips/" + ip + "/activity", "Authorization", "Bearer " + RunningDetection.VIEWER_KEY);
    }

    private RunningDetection start(Path state) {
        RunningDetection r = RunningDetection.start(KAFKA.bootstrapServers(), applicationId, state, Map.of());
        running.add(r);
        await().atMost(Duration.ofSeconds(60)).until(() -> running(r));
        return r;
    }

    private static boolean running(RunningDetection r) {
        return r.bean(StreamsBuilderFactoryBean.class).getKafkaStreams().state() == KafkaStreams.State.RUNNING;
    }

    private int ownerPort(RunningDetection any, ClientIp ip) {
        return any.bean(StreamsBuilderFactoryBean.class).getKafkaStreams().queryMetadataForKey(io.iptracking.detection.stream.DetectionTopology.CLIENT_STORE,
                io.iptracking.common.ip.ClientNetwork.keyOf(ip), Topics.ENRICHED_REQUESTS.keySerde().serializer()).activeHost().port();
    }

    /**
     * Where a test's requests start: ten minutes ago, so that the last of them (two minutes later) is
     * still in the past and stream time is never ahead of the wall clock, as with real traffic.
     */
    private static Instant past() {
        return Instant.now().minus(Duration.ofMinutes(10));
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
            HttpResponse<String> r = activity(any.port, ip.toString());
            if (r.statusCode() == 307) {
                String location = r.headers().firstValue("Location").orElseThrow();
                int port = Integer.parseInt(location.replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1"));
                r = activity(port, ip.toString());
            }
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"requests\":" + n + ",");
        });
    }

    private void awaitInputCommitted() {
        RunningDetection.awaitInputCommitted(KAFKA.bootstrapServers(), applicationId);
    }

    private void subscribeToFlags() {
        // read_committed, as every consumer of flags must read them: a flag from a transaction that
        // was aborted (a crash, a fenced producer) is written again by the replay.
        flags = KAFKA.consumer(IsolationLevel.READ_COMMITTED, Topics.FLAGGED.keySerde().deserializer(),
                Topics.FLAGGED.valueSerde().deserializer());
        flags.subscribe(List.of(Topics.FLAGGED.name()));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            flags.poll(Duration.ofMillis(100));
            return !flags.assignment().isEmpty();
        });
    }

    /** Polls the flag consumer until a flag of the IP arrives; returns the flags of the IP read until then. */
    private List<ConsumerRecord<ClientIp, FlaggedIp>> awaitFlagsOf(ClientIp ip) {
        List<ConsumerRecord<ClientIp, FlaggedIp>> read = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
            flags.poll(Duration.ofMillis(50)).forEach(r -> {
                if (r.key().equals(ip)) {
                    read.add(r);
                }
            });
            return !read.isEmpty();
        });
        return read;
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
