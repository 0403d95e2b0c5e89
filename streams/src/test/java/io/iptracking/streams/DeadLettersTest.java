package io.iptracking.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.DeadLetterHeaders;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ContractSamples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared dead-letter handling, on a topology of typed requests whose processor throws on one path:
 * an unreadable record and a record the processor throws on both reach the dead-letter topic as they
 * were read, with the error in the headers, are counted by stage, and the records after them flow on.
 */
class DeadLettersTest {

    static final String OUT = "out";

    final DeadLetters deadLetters = new DeadLetters();
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> raw;
    TestOutputTopic<byte[], byte[]> out;
    TestOutputTopic<byte[], byte[]> dead;

    @BeforeEach
    void driver() {
        Topology topology = new Topology();
        topology.addSource("requests", Topics.REQUESTS.keySerde().deserializer(), Topics.REQUESTS.valueSerde().deserializer(),
                Topics.REQUESTS.name());
        // Forwards each request's path, and throws on /boom.
        topology.addProcessor("paths", StreamsSetupIT.Paths::new, "requests");
        topology.addSink(OUT, OUT, new StringSerializer(), new StringSerializer(), "paths");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "dead-letters-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // At least once here: under exactly-once, the test driver loses a dead letter written while a record
        // is being read (before its transaction begins). StreamsSetupIT checks exactly-once on a real broker.
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        config.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "topology-test", UUID.randomUUID().toString()).toString());
        config.putAll(StreamsSetup.deadLetterHandling(deadLetters));
        driver = new TopologyTestDriver(topology, config);
        raw = driver.createInputTopic(Topics.REQUESTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic(OUT, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dead = driver.createOutputTopic(Topics.REQUESTS_DLQ.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void anUnreadableRecordIsDeadLetteredAsItWasReadAndTheNextOneFlows() {
        byte[] key = utf8("203.0.113.7");
        byte[] poison = utf8("{\"schemaVersion\":1,\"path\":\"/a\\u0000\"");
        raw.pipeInput(key, poison);
        raw.pipeInput(key, request("/next"));

        TestRecord<byte[], byte[]> d = dead.readRecord();
        assertThat(d.key()).isEqualTo(key);
        assertThat(d.value()).isEqualTo(poison);
        assertThat(header(d, DeadLetterHeaders.EXCEPTION)).isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(header(d, DeadLetterHeaders.TOPIC)).isEqualTo(Topics.REQUESTS.name());
        assertThat(header(d, DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(new String(out.readValue(), StandardCharsets.UTF_8)).isEqualTo("/next");
        assertThat(dead.isEmpty()).isTrue();
        assertThat(deadLetters.total()).isEqualTo(1);
        assertThat(counted("deserialization")).isEqualTo(1);
    }

    @Test
    void aRecordTheProcessorThrowsOnIsDeadLetteredAsItWasReadAndTheNextOneFlows() {
        byte[] key = utf8("203.0.113.7");
        byte[] boom = request("/boom");
        raw.pipeInput(key, boom);
        raw.pipeInput(key, request("/next"));

        TestRecord<byte[], byte[]> d = dead.readRecord();
        assertThat(d.key()).isEqualTo(key);
        assertThat(d.value()).isEqualTo(boom);
        assertThat(header(d, DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(d, DeadLetterHeaders.MESSAGE)).isEqualTo("the processor cannot take /boom");
        assertThat(header(d, DeadLetterHeaders.STACKTRACE)).contains("DeadLettersTest");
        assertThat(new String(out.readValue(), StandardCharsets.UTF_8)).isEqualTo("/next");
        assertThat(counted("processing")).isEqualTo(1);
        assertThat(counted("deserialization")).isZero();
    }

    private double counted(String stage) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        deadLetters.bindTo(registry);
        return registry.get("ipt.streams.dead.lettered").tag("stage", stage).functionCounter().count();
    }

    private static byte[] request(String path) {
        RequestEvent r = ContractSamples.requestEvent();
        return Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(), new RequestEvent(UUID.randomUUID(),
                r.timestamp(), ClientIp.parse("203.0.113.7"), r.method(), r.host(), path, r.status(), r.latencyMs(), r.userAgent(),
                r.subject(), r.decision(), r.rule(), r.mode()));
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
