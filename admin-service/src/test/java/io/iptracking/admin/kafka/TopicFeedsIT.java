package io.iptracking.admin.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.requestlog.RequestLogWriter;
import io.iptracking.admin.requestlog.SensitivePaths;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.DeadLetterHeaders;
import io.iptracking.common.kafka.Topic;
import io.iptracking.common.kafka.Topics;
import io.iptracking.admin.privacy.IpTruncation;
import io.iptracking.common.testing.ContractSamples;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.PrivatePostgresServer;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Admin's feeds on a real broker and a real PostgreSQL: poison records reach the dead-letter topic
 * while the records after them are stored, and a database that goes away and comes back loses and
 * skips nothing.
 */
class TopicFeedsIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
    }

    @Test
    void poisonRequestEventsAreDeadLetteredAndTheRecordsAfterThemAreLogged() throws Exception {
        Topic<ClientIp, EnrichedRequestEvent> topic = own(Topics.ENRICHED_REQUESTS, "poison");
        Topic<byte[], byte[]> deadLetters = own(Topics.REQUESTS_DLQ, "poison");
        KAFKA.createTopic(topic.name(), 1, Map.of("max.message.bytes", "3000000"));
        KAFKA.createTopic(deadLetters.name(), 1);
        HikariDataSource db = migrated(TestPostgres.newDatabase());
        EnrichedRequestEvent first = event("/first");
        EnrichedRequestEvent last = event("/last");
        String json = new String(topic.valueSerde().serializer().serialize(topic.name(), event("/p")), StandardCharsets.UTF_8);
        assertThat(json).contains("\"path\":\"/p\"").contains("\"schemaVersion\":1");
        byte[] invalidUtf8 = json.replace("\"/p\"", "\"/p\u0001\"").getBytes(StandardCharsets.UTF_8);
        invalidUtf8[indexOf(invalidUtf8, (byte) 1)] = (byte) 0xC3; // 0xC3 then '"': a truncated two-byte sequence
        List<byte[]> poison = Arrays.asList(
                utf8(json.replace("\"/p\"", "\"/p\\u0000x\"")),                  // NUL: PostgreSQL refuses it in text
                invalidUtf8,
                utf8(json.replace("\"/p\"", "\"/" + "x".repeat(2_000_000) + "\"")), // a 2 MB value
                utf8(json.replaceFirst("\"schemaVersion\":1", "\"schemaVersion\":0")),
                utf8(json.substring(0, json.length() / 2)),                       // truncated JSON
                utf8(json.replace("\"/p\"", "\"/p\\r\\nX-Forged: 1\"")),           // CR/LF: log forging
                null);                                                            // a tombstone
        List<byte[]> values = new ArrayList<>();
        values.add(topic.valueSerde().serializer().serialize(topic.name(), first));
        values.addAll(poison);
        values.add(topic.valueSerde().serializer().serialize(topic.name(), last));
        sendRaw(topic.name(), values);

        RequestLogWriter writer = new RequestLogWriter(db, IpTruncation.DEFAULT, new SensitivePaths(List.of("/login")));
        start(feeds().feed("request-log", topic, "it-request-log", 100, deadLetters, writer::write));

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(deadLetters.name(), poison.size(), Duration.ofSeconds(60),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(dead).hasSize(poison.size());
        for (int i = 0; i < poison.size(); i++) {
            ConsumerRecord<byte[], byte[]> d = dead.get(i);
            // The 2 MB value is larger than the dead-letter topic takes: its record keeps the error, not the value.
            assertThat(d.value()).as("dead letter %d keeps the bytes it was read with", i).isEqualTo(i == 2 ? null : poison.get(i));
            assertThat(header(d, DeadLetterHeaders.TOPIC)).isEqualTo(topic.name());
            assertThat(header(d, DeadLetterHeaders.OFFSET)).isEqualTo(Integer.toString(i + 1));
            assertThat(header(d, DeadLetterHeaders.EXCEPTION)).isNotBlank();
            assertThat(header(d, DeadLetterHeaders.MESSAGE)).isNotBlank();
        }
        assertThat(header(dead.get(0), DeadLetterHeaders.MESSAGE)).contains("RequestEvent.path").contains("control characters");
        assertThat(header(dead.get(2), DeadLetterHeaders.MESSAGE)).contains("RequestEvent.path must be at most 2048")
                .contains("was left out: it stays at its offset in " + topic.name());
        assertThat(header(dead.get(3), DeadLetterHeaders.MESSAGE)).contains("schemaVersion must be 1 or greater");
        assertThat(header(dead.get(6), DeadLetterHeaders.MESSAGE)).contains("tombstone");

        JdbcClient jdbc = JdbcClient.create(db);
        await().atMost(Duration.ofSeconds(30)).until(() -> loggedPaths(jdbc).size() == 2);
        assertThat(loggedPaths(jdbc)).containsExactlyInAnyOrder("/first", "/last");
        assertThat(registry.counter("ipt.admin.consumer.dead.lettered", "consumer", "request-log", "failure", "permanent").count())
                .isEqualTo(poison.size());
        assertThat(registry.counter("ipt.admin.consumer.stored", "consumer", "request-log").count()).isEqualTo(2);
    }

    @Test
    void aFlagTheDatabaseRefusesIsDeadLetteredAndTheOthersInItsBatchAreStored() throws Exception {
        Topic<ClientIp, FlaggedIp> topic = own(Topics.FLAGGED, "refused");
        Topic<byte[], byte[]> deadLetters = own(Topics.FLAGGED_DLQ, "refused");
        KAFKA.createTopic(topic.name(), 1);
        KAFKA.createTopic(deadLetters.name(), 1);
        HikariDataSource db = migrated(TestPostgres.newDatabase());
        FlaggedIp before = flag(Geo.UNKNOWN);
        // The contract lets a city name hold any text, but jsonb cannot hold \u0000: PostgreSQL refuses
        // this one row (SQLSTATE 22P05), and the batch it came in must not be lost with it.
        FlaggedIp refused = flag(new Geo("DE", "Germany", "Ber\u0000lin", null, null, null, null, false));
        FlaggedIp after = flag(Geo.UNKNOWN);
        try (KafkaProducer<ClientIp, FlaggedIp> producer = KAFKA.producer(topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (FlaggedIp f : List.of(before, refused, after)) {
                producer.send(new ProducerRecord<>(topic.name(), f.ip(), f));
            }
            producer.flush();
        }
        FlagStore flags = new FlagStore(new JdbcTemplate(db), JdbcClient.create(db));
        start(feeds().feed("flags", topic, "it-flags", 500, deadLetters, batch -> flags.insertNew(batch, Instant.now())));

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(deadLetters.name(), 1, Duration.ofSeconds(60),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), dead.getFirst().value())).isEqualTo(refused);
        assertThat(header(dead.getFirst(), DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(header(dead.getFirst(), DeadLetterHeaders.EXCEPTION))
                .isEqualTo("org.springframework.dao.DataIntegrityViolationException");
        assertThat(header(dead.getFirst(), DeadLetterHeaders.MESSAGE)).contains("\\u0000");
        JdbcClient jdbc = JdbcClient.create(db);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select count(*) from flagged_ip").query(Long.class).single() == 2);
        assertThat(jdbc.sql("select flag_id from flagged_ip").query(UUID.class).list())
                .containsExactlyInAnyOrder(before.flagId(), after.flagId());
    }

    @Test
    void aDatabaseStoppedAndRestartedUnderLoadLosesAndSkipsNothing() throws Exception {
        Topic<ClientIp, EnrichedRequestEvent> topic = own(Topics.ENRICHED_REQUESTS, "outage");
        Topic<byte[], byte[]> deadLetters = own(Topics.REQUESTS_DLQ, "outage");
        KAFKA.createTopic(topic.name(), 3);
        KAFKA.createTopic(deadLetters.name(), 3);
        PrivatePostgresServer server = PrivatePostgresServer.start("ipt_outage");
        resources.add(server);
        HikariDataSource db = migrated(server.database("ipt_outage"));
        RequestLogWriter writer = new RequestLogWriter(db, IpTruncation.DEFAULT, new SensitivePaths(List.of("/login")));
        start(feeds().feed("request-log", topic, "it-outage", 200, deadLetters, writer::write));
        JdbcClient jdbc = JdbcClient.create(db);

        // The load: one event at a time, each sent once the broker acknowledged the one before, until
        // the test has seen the database go and come back.
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().name("load").start(() -> {
            try (KafkaProducer<ClientIp, EnrichedRequestEvent> producer = KAFKA.producer(topic.keySerde().serializer(),
                    topic.valueSerde().serializer())) {
                while (loading.get()) {
                    EnrichedRequestEvent e = event("/load/" + sent.get());
                    producer.send(new ProducerRecord<>(topic.name(), e.request().ip(), e)).get();
                    sent.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(jdbc) > 0);
        server.stop();
        double retriesAtStop = retries();
        int sentAtStop = sent.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> retries() >= retriesAtStop + 2 && sent.get() > sentAtStop + 100);
        server.start();
        long rowsAtRestart = rows(jdbc);
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(jdbc) > rowsAtRestart + 100);
        loading.set(false);
        load.join(Duration.ofSeconds(30));
        int total = sent.get();

        await().atMost(Duration.ofSeconds(120)).until(() -> rows(jdbc) == total);
        assertThat(jdbc.sql("select count(distinct path) from request_log").query(Long.class).single()).isEqualTo(total);
        assertThat(registry.find("ipt.admin.consumer.dead.lettered").counters())
                .allSatisfy(c -> assertThat(c.count()).as("nothing skipped").isZero());
        assertThat(KAFKA.readAll(deadLetters.name(), IsolationLevel.READ_UNCOMMITTED, Duration.ofSeconds(2),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())).isEmpty();
    }

    /** The catalogue's topic under a name of this test's own: the broker is shared by the tests of the class. */
    private static <K, V> Topic<K, V> own(Topic<K, V> topic, String test) {
        return new Topic<>(topic.name() + "." + test, topic.keySerde(), topic.valueSerde(), topic.settings());
    }

    private double retries() {
        return registry.counter("ipt.admin.consumer.retries", "consumer", "request-log").count();
    }

    private static long rows(JdbcClient jdbc) {
        try {
            return jdbc.sql("select count(*) from request_log").query(Long.class).single();
        } catch (RuntimeException e) {
            return -1; // the database is away
        }
    }

    private TopicFeeds feeds() {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of(KAFKA.bootstrapServers()));
        return new TopicFeeds(kafka, registry);
    }

    private void start(ConcurrentMessageListenerContainer<?, ?> container) {
        container.start();
        resources.add(container::stop);
    }

    private HikariDataSource migrated(PostgresDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.username());
        config.setPassword(database.password());
        config.setConnectionTimeout(2_000);
        config.setMaximumPoolSize(2);
        HikariDataSource db = new HikariDataSource(config);
        resources.add(db);
        // Flyway on connections of its own: the pool above is kept small on purpose.
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").placeholders(Map.of("runtime_role", database.username())).load().migrate();
        return db;
    }

    private static List<String> loggedPaths(JdbcClient jdbc) {
        return jdbc.sql("select path from request_log").query(String.class).list();
    }

    private static void sendRaw(String topic, List<byte[]> values) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 3_000_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, utf8("203.0.113.7"), value)).get();
            }
        }
    }

    private static EnrichedRequestEvent event(String path) {
        RequestEvent r = ContractSamples.requestEvent();
        return new EnrichedRequestEvent(new RequestEvent(UUID.randomUUID(), Instant.now(), r.ip(), r.method(), r.host(), path,
                r.status(), r.latencyMs(), r.userAgent(), r.subject(), r.decision(), r.rule(), r.mode()), Geo.UNKNOWN);
    }

    private static FlaggedIp flag(Geo geo) {
        FlaggedIp f = ContractSamples.flaggedIp();
        return new FlaggedIp(UUID.randomUUID(), f.ip(), f.rule(), f.reason(), f.severity(), f.score(), f.windowStart(),
                f.windowEnd(), f.requestCount(), f.evidence(), geo, f.detectedAt());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("byte " + b + " not found");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
