package io.iptracking.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.detection.stream.Requests;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service's jar killed with SIGKILL in the middle of a stream, twice: restarted on its state
 * directory the first time, replaced by an instance with an empty one the second (as on a new
 * machine: its state comes back from the changelog). With exactly-once processing a read_committed
 * consumer sees exactly one HIGH_VOLUME flag per IP over the limit: none lost with a killed process,
 * none repeated by the replay of what it had not committed.
 */
class DetectionCrashIT {

    @RegisterExtension
    static final TestKafka KAFKA = TestKafka.exactlyOnce()
            // A killed instance's open transaction is aborted once it times out (10 s under Kafka
            // Streams); the broker looks for such transactions every 10 s by default.
            .withBrokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    static final int LIMIT = TestProperties.defaults().rules().highVolume().maxRequests();
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /**
     * Commits every 2 s rather than every 100 ms: a kill right after a flag was written then finds it
     * in an open transaction, the case where a replay could repeat it.
     */
    static final Map<String, String> SLOW_COMMITS = Map.of("detection.kafka.commit-interval", "2s");

    final List<DetectionProcess> processes = new ArrayList<>();
    String applicationId;
    Path root;
    KafkaProducer<ClientIp, EnrichedRequestEvent> producer;
    /** Every flag as it is written, from the first process on. */
    KafkaConsumer<ClientIp, FlaggedIp> written;

    @BeforeEach
    void clients() {
        applicationId = "ipt-detection-crash-it-" + UUID.randomUUID();
        root = Path.of("target", "crash-it", applicationId);
        producer = KAFKA.producer(Topics.ENRICHED_REQUESTS.keySerde().serializer(), Topics.ENRICHED_REQUESTS.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        processes.forEach(DetectionProcess::close);
        producer.close();
        if (written != null) {
            written.close();
        }
    }

    @Test
    void killedMidStreamThenRestartedOrReplacedItNeitherLosesNorRepeatsAFlag() {
        List<ClientIp> ips = IntStream.rangeClosed(1, 30).mapToObj(i -> ClientIp.parse("192.0.2." + i)).toList();
        List<ClientIp> first = ips.subList(0, 10);
        List<ClientIp> second = ips.subList(10, 20);
        List<ClientIp> third = ips.subList(20, 30);
        // In the past, so that stream time is never ahead of the wall clock.
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10));
        Path state = root.resolve("state");

        DetectionProcess a = start(state, "a", SLOW_COMMITS);
        for (int i = 0; i < LIMIT; i++) {
            send(ips, t0, i);
        }
        send(first, t0, LIMIT);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).failFast("process a exited", () -> !a.isAlive())
                .until(() -> flaggedIps(FlagRecords.committed(KAFKA)).containsAll(first));
        send(second, t0, LIMIT);
        awaitWritten(second, a);
        a.kill();

        List<ConsumerRecord<ClientIp, FlaggedIp>> atKill = FlagRecords.committed(KAFKA);
        Set<ClientIp> inFlight = flaggedIps(FlagRecords.uncommitted(KAFKA));
        inFlight.removeAll(flaggedIps(atKill));
        assertThat(flaggedIps(atKill)).as("killed mid-stream: some flags committed, not all")
                .containsAll(first).doesNotContainAnyElementsOf(third);

        // Restarted on the same state directory: the same process id and transactional id, so its
        // producer fences the killed one and aborts its open transaction at once.
        DetectionProcess b = start(state, "b", SLOW_COMMITS);
        send(third, t0, LIMIT);
        awaitWritten(third, b);
        b.kill();

        // Replaced by an instance with an empty state directory: its state comes from the changelog; a
        // new transactional id, so the killed instance's open transaction stays open until it times out.
        start(root.resolve("new-state"), "c", Map.of());
        // Still over the limit, within the cool-down: no second flag.
        for (int i = LIMIT + 1; i < LIMIT + 5; i++) {
            send(ips, t0, i);
        }
        RunningDetection.awaitInputCommitted(KAFKA.bootstrapServers(), applicationId);
        FlagRecords.awaitNoOpenTransaction(KAFKA);

        List<ConsumerRecord<ClientIp, FlaggedIp>> committed = FlagRecords.of(FlagRecords.committed(KAFKA), ips);
        List<ConsumerRecord<ClientIp, FlaggedIp>> everyWrite = FlagRecords.of(FlagRecords.uncommitted(KAFKA), ips);
        System.out.printf("DetectionCrashIT: %d IPs; at the first kill %d flags committed and %d only in an open transaction;"
                + " in the end %d flags committed, %d written (%d in aborted transactions)%n", ips.size(),
                FlagRecords.of(atKill, ips).size(), inFlight.size(), committed.size(), everyWrite.size(), everyWrite.size() - committed.size());
        FlagRecords.assertExactlyOneFlagEach(committed, ips, FlagRule.HIGH_VOLUME);
    }

    private DetectionProcess start(Path stateDir, String name, Map<String, String> extra) {
        DetectionProcess p = DetectionProcess.start(KAFKA.bootstrapServers(), applicationId, stateDir, root.resolve(name + ".log"), extra);
        processes.add(p);
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).failFast("exited", () -> !p.isAlive()).until(p::ready);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError("process " + name + " not ready (" + e.getMessage() + "); its last output:\n" + p.logTail(40), e);
        }
        if (written == null) {
            // The service has created the flag topic by now.
            written = KAFKA.consumer(IsolationLevel.READ_UNCOMMITTED, Topics.FLAGGED.keySerde().deserializer(),
                    Topics.FLAGGED.valueSerde().deserializer());
            List<TopicPartition> partitions = IntStream.range(0, Topics.FLAGGED.partitions())
                    .mapToObj(i -> new TopicPartition(Topics.FLAGGED.name(), i)).toList();
            written.assign(partitions);
            written.seekToBeginning(partitions);
        }
        return p;
    }

    /**
     * Waits until the process has written a flag of one of the IPs, committed or not: read_uncommitted
     * sees it as soon as it is sent, in the transaction still open.
     */
    private void awaitWritten(Collection<ClientIp> group, DetectionProcess p) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).failFast("process exited", () -> !p.isAlive())
                .until(() -> {
                    boolean seen = false;
                    for (ConsumerRecord<ClientIp, FlaggedIp> r : written.poll(Duration.ofMillis(20))) {
                        seen |= group.contains(r.key());
                    }
                    return seen;
                });
    }

    /** Request {@code i} of each IP: one a second per IP from {@code t0}, steady, under every rule but HIGH_VOLUME. */
    private void send(Collection<ClientIp> ips, Instant t0, int i) {
        for (ClientIp ip : ips) {
            producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), ip,
                    Requests.get(ip.toString(), t0.plusSeconds(i), "/shop/" + (i % 7), 200)));
        }
        producer.flush();
    }

    private static Set<ClientIp> flaggedIps(List<ConsumerRecord<ClientIp, FlaggedIp>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }
}
