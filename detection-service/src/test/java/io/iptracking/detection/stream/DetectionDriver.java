package io.iptracking.detection.stream;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.CidrSerde;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.FlagSchema;
import io.iptracking.detection.window.ClientWindow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import io.iptracking.streams.DeadLetters;
import java.util.Properties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The production topology in a {@link TopologyTestDriver}, with the production Streams settings,
 * a fixed clock and a state directory under {@code target/}. Every flag read is first validated
 * against the public schema, as published.
 */
public final class DetectionDriver implements AutoCloseable {

    /**
     * The driver's clock: after every event the tests send (events more than 5 minutes ahead of it are
     * dropped as from the future), and the {@code detectedAt} of every flag.
     */
    public static final Instant DETECTED_AT = Instant.parse("2026-05-05T00:00:00Z");

    private final TopologyTestDriver driver;
    private final DeadLetters deadLetters = new DeadLetters();
    private final TestInputTopic<ClientIp, EnrichedRequestEvent> input;
    private final TestInputTopic<ClientIp, ErasureRequest> erasures;
    private final TestOutputTopic<ClientIp, byte[]> output;
    private final TestOutputTopic<byte[], byte[]> changelog;
    private final List<FlaggedIp> flags = new ArrayList<>();
    private int lateDropped;
    private int erasedDropped;

    public DetectionDriver(DetectionProperties p) {
        this(p, true);
    }

    public DetectionDriver(DetectionProperties p, boolean validateSchema) {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of("unused:9092"));
        Properties settings = StreamsSettings.of(p, kafka, deadLetters);
        // Under target/, but not under java.io.tmpdir, which Kafka Streams warns about.
        settings.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "topology-test", UUID.randomUUID().toString()).toString());
        DetectionListener listener = new DetectionListener() {
            @Override
            public void droppedLate() {
                lateDropped++;
            }

            @Override
            public void droppedErased() {
                erasedDropped++;
            }
        };
        this.validateSchema = validateSchema;
        driver = new TopologyTestDriver(DetectionTopology.build(p, Clock.fixed(DETECTED_AT, ZoneOffset.UTC), listener), settings);
        input = driver.createInputTopic(Topics.ENRICHED_REQUESTS.name(), Topics.ENRICHED_REQUESTS.keySerde().serializer(),
                Topics.ENRICHED_REQUESTS.valueSerde().serializer());
        erasures = driver.createInputTopic(Topics.ERASURES.name(), Topics.ERASURES.keySerde().serializer(),
                Topics.ERASURES.valueSerde().serializer());
        changelog = driver.createOutputTopic(settings.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-"
                + DetectionTopology.CLIENT_STORE + "-changelog", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        output = driver.createOutputTopic(Topics.FLAGGED.name(), Topics.FLAGGED.keySerde().deserializer(),
                new ByteArrayDeserializer());
    }

    private final boolean validateSchema;

    /** Pipes one event keyed as the edge keys it, with the Kafka timestamp equal to its edge timestamp. */
    public void send(EnrichedRequestEvent e) {
        input.pipeInput(ClientNetwork.keyOf(e.request().ip()), e, e.request().timestamp());
    }

    /** Pipes an erasure of {@code ip} keyed as admin keys it, made at {@code at} (admin's clock). */
    public void erase(String ip, Instant at) {
        ClientIp erased = ClientIp.parse(ip);
        erase(erased, ClientNetwork.keyOf(erased), at);
    }

    /** Pipes an erasure of {@code ip} with the record key {@code key}. */
    public void erase(ClientIp ip, ClientIp key, Instant at) {
        erasures.pipeInput(key, new ErasureRequest(ip, at), at);
    }

    public KeyValueStore<Cidr, Long> erasedStore() {
        return driver.getKeyValueStore(DetectionTopology.ERASED_STORE);
    }

    public int erasedDropped() {
        return erasedDropped;
    }

    /** Records dead-lettered so far. */
    public long deadLettered() {
        return deadLetters.total();
    }

    /** Every flag emitted so far, in order. */
    public List<FlaggedIp> flags() {
        while (!output.isEmpty()) {
            var record = output.readKeyValue();
            byte[] json = record.value;
            if (validateSchema) {
                FlagSchema.assertValid(new String(json, StandardCharsets.UTF_8));
            }
            FlaggedIp flag = Topics.FLAGGED.valueSerde().deserializer().deserialize(Topics.FLAGGED.name(), json);
            if (!flag.ip().equals(record.key)) {
                throw new AssertionError("flag for " + flag.ip() + " keyed by " + record.key);
            }
            flags.add(flag);
        }
        return flags;
    }

    public List<FlaggedIp> flags(FlagRule rule) {
        return flags().stream().filter(f -> f.rule() == rule).toList();
    }

    public KeyValueStore<Cidr, ClientWindow> clientStore() {
        return driver.getKeyValueStore(DetectionTopology.CLIENT_STORE);
    }

    /** What the client store's changelog topic received for {@code client}, in order; a null is a tombstone. */
    public List<byte[]> changelogOf(Cidr client) {
        byte[] key = new CidrSerde().serializer().serialize(null, client);
        List<byte[]> values = new ArrayList<>();
        changelog.readKeyValuesToList().stream().filter(kv -> java.util.Arrays.equals(kv.key, key)).forEach(kv -> values.add(kv.value));
        return values;
    }

    /** Moves the driver's wall clock, which the purge of idle clients runs by. */
    public void advanceWallClock(java.time.Duration by) {
        driver.advanceWallClockTime(by);
    }

    public int lateDropped() {
        return lateDropped;
    }

    @Override
    public void close() {
        driver.close();
    }
}
