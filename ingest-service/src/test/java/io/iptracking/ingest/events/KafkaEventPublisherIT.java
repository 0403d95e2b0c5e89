package io.iptracking.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.FreePorts;
import io.iptracking.common.testing.TestKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;

/**
 * The publisher against a broker that is not there yet and then comes: requests are never refused
 * for it, the queue holds events up to its bound, what does not fit is dropped and counted, and every
 * event that was kept reaches the topic once Kafka is up, exactly once.
 *
 * <p>The publisher is configured with an address where nothing listens until the test opens it, in
 * front of a broker started meanwhile (the embedded broker picks its own port). Clients only bootstrap
 * there: the broker's metadata then sends them to its own address.
 */
class KafkaEventPublisherIT {

    static final int EVENTS = 3_000;
    static final int QUEUE = 200;

    @Test
    void whileKafkaIsAwayEventsWaitUpToTheBoundTheRestAreCountedAsDroppedAndNoKeptOneIsLost() throws IOException {
        int port = FreePorts.one();
        // A short metadata wait, so that the sender thread, blocked on the missing broker, gives events
        // back to the queue quickly; the queue is full, so most of those are dropped too, and counted.
        Map<String, Object> config = Map.of("bootstrap.servers", "127.0.0.1:" + port, "max.block.ms", 300);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(Topics.REQUESTS, config, QUEUE, Long.MAX_VALUE);
                TestKafka kafka = TestKafka.start()) {
            for (int i = 0; i < EVENTS; i++) {
                publisher.publish(event(i));
            }
            // The queue holds QUEUE events, and the sender's batch what it drained from the queue: no more.
            assertThat(publisher.dropped()).isBetween((long) EVENTS - 2 * QUEUE, (long) EVENTS - QUEUE);
            assertThat(publisher.sent()).isZero();

            String[] broker = kafka.bootstrapServers().split(":");
            try (Bootstrap bootstrap = new Bootstrap(port, broker[0], Integer.parseInt(broker[1]))) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> publisher.sent() + publisher.dropped() + publisher.failed() == EVENTS);
            }
            assertThat(publisher.failed()).isZero();
            assertThat(publisher.queued()).isZero();
            long sent = publisher.sent();
            assertThat(sent).isGreaterThanOrEqualTo(QUEUE);

            List<ConsumerRecord<ClientIp, RequestEvent>> records = kafka.readAll(Topics.REQUESTS.name(),
                    IsolationLevel.READ_UNCOMMITTED, Duration.ofSeconds(30),
                    Topics.REQUESTS.keySerde().deserializer(), Topics.REQUESTS.valueSerde().deserializer());
            Set<UUID> ids = records.stream().map(ConsumerRecord::value).map(RequestEvent::eventId).collect(Collectors.toSet());
            assertThat(records).as("every event sent is on the topic once").hasSize((int) sent);
            assertThat(ids).hasSize((int) sent);
        }
    }

    @Test
    void eachEventIsKeyedByItsClientNetworkAndKeepsItsFullIp() {
        List<String> ips = List.of("198.51.100.7", "2001:db8:7:7::1", "2001:db8:7:7:8000::42", "2001:db8:7:8::1");
        try (TestKafka kafka = TestKafka.start()) {
            kafka.createTopic(Topics.REQUESTS.name(), Topics.REQUESTS.partitions());
            try (KafkaEventPublisher publisher = new KafkaEventPublisher(Topics.REQUESTS,
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), QUEUE, Long.MAX_VALUE)) {
                for (int i = 0; i < ips.size(); i++) {
                    publisher.publish(withIp(event(i), ips.get(i)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> publisher.sent() == ips.size());
            }
            Map<String, ConsumerRecord<ClientIp, RequestEvent>> byIp = kafka.readAll(Topics.REQUESTS.name(),
                    IsolationLevel.READ_UNCOMMITTED, Duration.ofSeconds(30), Topics.REQUESTS.keySerde().deserializer(),
                    Topics.REQUESTS.valueSerde().deserializer()).stream()
                    .collect(Collectors.toMap(r -> r.value().ip().toString(), r -> r));
            assertThat(byIp).containsOnlyKeys(ips);
            assertThat(byIp.get("198.51.100.7").key()).hasToString("198.51.100.7");
            assertThat(byIp.get("2001:db8:7:7::1").key()).hasToString("2001:db8:7:7::");
            assertThat(byIp.get("2001:db8:7:7:8000::42").key()).hasToString("2001:db8:7:7::");
            assertThat(byIp.get("2001:db8:7:7:8000::42").partition()).isEqualTo(byIp.get("2001:db8:7:7::1").partition());
            assertThat(byIp.get("2001:db8:7:8::1").key()).hasToString("2001:db8:7:8::");
        }
    }

    @Test
    void theQueueIsBoundedInBytesAsWellAsInEvents() throws IOException {
        // Events as large as a client can make them: a 2,048-character path and a 512-character User-Agent.
        RequestEvent large = new RequestEvent(UUID.randomUUID(), Instant.parse("2026-11-24T10:00:00Z"),
                ClientIp.parse("198.51.100.1"), "GET", "h".repeat(261), "/" + "p".repeat(2047), 200, 1L, "u".repeat(512),
                null, Decision.ALLOWED, null, Mode.PROXY);
        long tenEvents = 10 * KafkaEventPublisher.estimatedBytes(large);
        Map<String, Object> config = Map.of("bootstrap.servers", "127.0.0.1:" + FreePorts.one(), "max.block.ms", 5_000);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(Topics.REQUESTS, config, 100_000, tenEvents)) {
            for (int i = 0; i < 1_000; i++) {
                publisher.publish(large);
            }
            // Ten events' bytes are held; the sender may have taken one more out to send it (it blocks on
            // the missing broker for up to max.block.ms, far longer than this loop).
            assertThat(publisher.queuedBytes()).isLessThanOrEqualTo(tenEvents);
            assertThat(publisher.dropped()).isBetween(989L, 990L);
        }
    }

    /**
     * Forwards connections made to a local port to the broker: those accepted from when it opens until it
     * closes (those already forwarded go on until either side ends them).
     */
    static final class Bootstrap implements AutoCloseable {
        private final ServerSocket server;

        Bootstrap(int port, String brokerHost, int brokerPort) throws IOException {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    Socket client;
                    try {
                        client = server.accept();
                    } catch (IOException closed) {
                        return;
                    }
                    try {
                        Socket broker = new Socket(brokerHost, brokerPort);
                        Thread.ofVirtual().start(() -> pipe(client, broker));
                        Thread.ofVirtual().start(() -> pipe(broker, client));
                    } catch (IOException brokerUnreachable) {
                        closeQuietly(client);
                    }
                }
            });
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that was left to do with it.
            }
        }

        private static void pipe(Socket from, Socket to) {
            try (from; to) {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException ended) {
                // One side closed: both are closed by the try.
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static RequestEvent event(int i) {
        return new RequestEvent(UUID.randomUUID(), Instant.parse("2026-11-24T10:00:00Z").plusMillis(i),
                ClientIp.parse("198.51.100." + (i % 250)), "GET", "app.example", "/items/" + i, 200, 1L, "curl/8", null,
                Decision.ALLOWED, null, Mode.PROXY);
    }

    static RequestEvent withIp(RequestEvent e, String ip) {
        return new RequestEvent(e.eventId(), e.timestamp(), ClientIp.parse(ip), e.method(), e.host(), e.path(), e.status(),
                e.latencyMs(), e.userAgent(), e.subject(), e.decision(), e.rule(), e.mode());
    }
}
