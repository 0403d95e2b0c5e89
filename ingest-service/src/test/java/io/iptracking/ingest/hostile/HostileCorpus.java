package io.iptracking.ingest.hostile;

import static io.iptracking.ingest.hostile.Fixture.XFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.TestKafka;
import io.github.bucket4j.TimeMeter;
import io.iptracking.ingest.ratelimit.FakeTime;
import io.iptracking.ingest.traffic.TrafficServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Runs hostile-request fixtures against the real edge and checks each completely: the status, the
 * event's decision, rule and strings, the counters by rule, and what the upstream received (the exact
 * target and headers, or nothing). Subclasses start the edge in one mode and give the fixtures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostileCorpus {

    static final String TRUSTED_PROXY = "127.0.0.1";

    /**
     * Rate-limit buckets that do not refill while the corpus runs (subclasses import it): a fixture
     * that spends the allowance expects the next request refused, however slowly the machine sends.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class StoppedBucketClock {
        @Bean
        @Primary
        TimeMeter stoppedBucketClock() {
            return new FakeTime();
        }
    }

    @Autowired
    TrafficServer traffic;

    @LocalServerPort
    int managementPort;

    private final Map<String, List<RequestEvent>> events = new ConcurrentHashMap<>();
    private final AtomicBoolean consuming = new AtomicBoolean(true);
    private Thread consumer;
    private final AtomicInteger clients = new AtomicInteger();

    private final TestKafka kafka;
    private final RecordingUpstream upstream;
    private final Mode mode;
    private final int addressBlock;

    /**
     * @param kafka the broker the edge publishes to
     * @param upstream the application behind the edge
     * @param addressBlock where this class's fixtures take their client addresses, so that two classes
     *     never share one
     */
    HostileCorpus(TestKafka kafka, RecordingUpstream upstream, Mode mode, int addressBlock) {
        this.kafka = kafka;
        this.upstream = upstream;
        this.mode = mode;
        this.addressBlock = addressBlock;
    }

    @BeforeAll
    void listen() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> ManagementEndpoints.assertHealthyWithPrometheus(managementPort));
        consumer = Thread.ofPlatform().name("corpus-events").start(() -> {
            try (KafkaConsumer<ClientIp, RequestEvent> c = kafka.consumer(Topics.REQUESTS.keySerde().deserializer(),
                    Topics.REQUESTS.valueSerde().deserializer())) {
                c.subscribe(List.of(Topics.REQUESTS.name()));
                while (consuming.get()) {
                    c.poll(Duration.ofMillis(100)).forEach(r ->
                            events.computeIfAbsent(r.value().ip().toString(), ip -> new CopyOnWriteArrayList<>()).add(r.value()));
                }
            }
        });
    }

    @AfterAll
    void stopListening() throws InterruptedException {
        consuming.set(false);
        consumer.join();
        upstream.close();
        kafka.close();
    }

    // ------------------------------------------------------------------------------------------------
    // The runner

    /** The traffic port, for checks that send a request of their own. */
    static int port;

    /** Runs one fixture and checks everything it expects. */
    void run(Fixture f) {
        port = traffic.port();
        int n = clients.incrementAndGet();
        String peer = f.peer != null ? f.peer : "127." + addressBlock + "." + (10 + n / 200) + "." + (2 + n % 200);
        String client = f.client != null ? f.client
                : f.peer != null ? "198." + (18 + addressBlock % 2) + "." + (n / 200) + "." + (1 + n % 200) : peer;
        String forwardedFor = f.forwardedFor != null ? f.forwardedFor : client;
        String xff = TRUSTED_PROXY.equals(peer) ? "X-Forwarded-For: " + forwardedFor + "\r\n" : "";

        double unparsedBefore = counted("ipt_edge_requests_unparsed_total", "status=\"" + f.status + "\"");
        double decidedBefore = f.decision == null ? 0
                : counted("ipt_edge_decisions_total", "decision=\"" + f.decision + "\"", "rule=\"" + ruleTag(f.rule) + "\"");
        int eventsBefore = events.getOrDefault(client, List.of()).size();
        int receivedBefore = upstream.receivedFor(client).size();
        List<RawHttp.Response> responses = new ArrayList<>();
        for (String request : f.requests) {
            responses.addAll(RawHttp.exchange(peer, traffic.port(), request.replace(XFF, xff)));
        }
        // The upstream answers "ok"; the edge's own answers say something else.
        long answeredByUpstream = responses.stream().filter(r -> r.body().equals("ok")).count();
        RawHttp.Response last = responses.getLast();
        assertThat(last.status()).as("status; body: %s", last.body()).isEqualTo(f.status);
        assertThat(last.header("Server")).as("no server version").isNull();

        if (f.unparsed) {
            assertThat(upstream.receivedFor(client)).as("nothing reaches the upstream").isEmpty();
            assertThat(counted("ipt_edge_requests_unparsed_total", "status=\"" + f.status + "\"") - unparsedBefore)
                    .as("counted as unparsed").isEqualTo(1);
            if (!f.unparsedEvent) {
                assertThat(events.getOrDefault(client, List.of())).as("no event").hasSize(eventsBefore);
                return;
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events.getOrDefault(client, List.of()))
                    .as("an event for %s", client).hasSize(eventsBefore + 1));
            RequestEvent event = events.get(client).getLast();
            assertThat(event.decision()).isEqualTo(Decision.INVALID);
            assertThat(event.rule()).isEqualTo("unparsed");
            assertThat(event.status()).isEqualTo(f.status);
            assertEventIsClean(event);
            return;
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events.getOrDefault(client, List.of()))
                .as("one event per request of %s", client).hasSize(eventsBefore + responses.size()));
        RequestEvent event = events.get(client).getLast();
        assertThat(event.decision()).isEqualTo(f.decision);
        assertThat(event.rule()).isEqualTo(f.rule);
        assertThat(event.ip()).hasToString(client);
        assertThat(event.mode()).isEqualTo(mode);
        assertEventIsClean(event);
        if (f.eventPath != null) {
            assertThat(event.path()).isEqualTo(f.eventPath);
        }
        assertThat(counted("ipt_edge_decisions_total", "decision=\"" + f.decision + "\"", "rule=\"" + ruleTag(f.rule) + "\"")
                - decidedBefore).as("decisions counted by rule").isGreaterThanOrEqualTo(1);

        List<RecordingUpstream.Received> received = upstream.receivedFor(client);
        RecordingUpstream.Received upstream = null;
        assertThat(received).as("exactly the requests the upstream answered reached it")
                .hasSize(receivedBefore + (int) answeredByUpstream);
        if (f.forwardedTarget == null) {
            assertThat(last.body()).as("the last request does not reach the upstream").isNotEqualTo("ok");
        } else {
            assertThat(last.body()).as("the last request reaches the upstream").isEqualTo("ok");
            upstream = received.getLast();
            assertThat(upstream.target()).isEqualTo(f.forwardedTarget);
            assertThat(upstream.values("X-Real-IP")).containsExactly(client);
            assertThat(upstream.values("User-Agent")).hasSizeLessThanOrEqualTo(1);
        }
        Fixture.Outcome outcome = new Fixture.Outcome(last, upstream, event);
        f.checks.forEach(c -> c.verify(outcome));
    }

    /** No string of an event holds a control character, and each is bounded. */
    private static void assertEventIsClean(RequestEvent e) {
        for (String s : new String[] {e.method(), e.host(), e.path(), e.userAgent(), e.subject(), e.rule()}) {
            if (s != null) {
                assertThat(s.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029))
                        .as("no control character in %s", s).isTrue();
                assertThat(s.length()).isLessThanOrEqualTo(2048);
            }
        }
    }

    private static String ruleTag(String rule) {
        if (rule == null) {
            return "none";
        }
        return rule.startsWith("blocklist:") ? "blocklist" : rule;
    }

    double counted(String name, String... labels) {
        try {
            return ManagementEndpoints.metric(managementPort, name, labels);
        } catch (AssertionError notYet) {
            return 0;
        }
    }
}
