package io.iptracking.admin;

import static org.awaitility.Awaitility.await;

import io.iptracking.admin.kafka.TopicFeeds;
import io.iptracking.admin.requestlog.RequestLogWriter;
import io.iptracking.admin.requestlog.SensitivePaths;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.admin.privacy.IpTruncation;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * The admin service's two headline figures, each against a reference measured in the same run on
 * the same machine:
 *
 * <ol>
 *   <li>block-to-topic latency: 200 blocks, one at a time, from the start of the POST to the moment
 *   a consumer (as an edge reads it) has the record, p50 and p99; reference: a bare Kafka producer
 *   send and the same consumer, the floor any design on this broker pays;</li>
 *   <li>request-log ingest: rows per second stored by the service's own consumer and writer from a
 *   backlog on the enriched-requests topic; reference: a plain JDBC batch insert of the same rows
 *   (same table, same batch size), straight from memory, no Kafka and no aggregates.</li>
 * </ol>
 *
 * Not a test: run it by hand (see the README's "Benchmarks"), on an idle machine if possible.
 */
public final class AdminBenchmark {

    private static final int BLOCKS = 200;
    private static final int ROWS = Integer.getInteger("rows", 100_000);
    private static final int BATCH = 2000;

    public static void main(String[] args) throws Exception {
        try (TestKafka kafka = TestKafka.start()) {
            PostgresDatabase db = TestPostgres.newDatabase();
            Map<String, Object> properties = new HashMap<>();
            properties.put("spring.datasource.url", db.jdbcUrl());
            properties.put("spring.datasource.username", db.username());
            properties.put("spring.datasource.password", db.password());
            properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            properties.put("admin.security.api-keys", ApiClient.apiKeysProperty());
            properties.put("admin.request-log.enabled", "false"); // the ingest run below feeds its own consumer
            properties.put("server.port", "0");
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(AdminApplication.class)
                    // Logging reads its levels before initializers run: these go in as defaults.
                    .properties(Map.of("logging.level.root", "WARN", "logging.level.org.apache.kafka", "ERROR",
                            "spring.main.banner-mode", "off"))
                    .initializers(c -> c.getEnvironment().getPropertySources().addFirst(new MapPropertySource("bench", properties)))
                    .run()) {
                int port = ((WebServerApplicationContext) app).getWebServer().getPort();
                System.out.printf("admin-service benchmark: %d cores, load %s%n", Runtime.getRuntime().availableProcessors(),
                        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
                blockLatency(kafka, new ApiClient(port, ApiClient.OPERATOR_KEY));
                ingest(kafka, db, app.getBean(RequestLogWriter.class), app.getBean(JdbcClient.class));
            }
        }
    }

    private static void blockLatency(TestKafka kafka, ApiClient api) throws Exception {
        try (KafkaConsumer<Cidr, ListEntry> edge = edgeConsumer(kafka);
                KafkaProducer<Cidr, ListEntry> producer = kafka.producer(Topics.BLOCKLIST.keySerde().serializer(),
                        Topics.BLOCKLIST.valueSerde().serializer())) {
            // Warm-up: JIT, connections, the relay's first pass.
            for (int i = 0; i < 20; i++) {
                blockOnce(api, edge, Cidr.parse("10.255.0." + i));
            }
            long[] viaAdmin = new long[BLOCKS];
            long[] commitToTopic = new long[BLOCKS];
            for (int i = 0; i < BLOCKS; i++) {
                Cidr cidr = Cidr.parse("10.1." + (i / 250) + "." + (i % 250));
                long start = System.nanoTime();
                ConsumerRecord<Cidr, ListEntry> r = blockOnce(api, edge, cidr);
                viaAdmin[i] = System.nanoTime() - start;
                commitToTopic[i] = Duration.between(r.value().createdAt(), Instant.ofEpochMilli(r.timestamp())).toNanos();
            }
            long[] reference = new long[BLOCKS];
            Instant now = Instant.now();
            for (int i = 0; i < BLOCKS; i++) {
                Cidr cidr = Cidr.parse("10.2." + (i / 250) + "." + (i % 250));
                ListEntry entry = new ListEntry(cidr, io.iptracking.common.event.ListAction.BLOCK, "reference",
                        io.iptracking.common.event.ListSource.MANUAL, "bench", now, null);
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), cidr, entry)).get();
                awaitKey(edge, cidr);
                reference[i] = System.nanoTime() - start;
            }
            System.out.printf("block-to-topic, %d blocks one at a time (POST /api/v1/blocks until an edge consumer has the record):%n", BLOCKS);
            System.out.printf("  admin   p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n", ms(pct(viaAdmin, 50)), ms(pct(viaAdmin, 99)), ms(pct(viaAdmin, 100)));
            System.out.printf("  (of which commit to topic append: p50 %5.1f ms  p99 %5.1f ms)%n", ms(pct(commitToTopic, 50)), ms(pct(commitToTopic, 99)));
            System.out.printf("  reference: bare producer send+ack until the same consumer has it: p50 %5.1f ms  p99 %5.1f ms%n",
                    ms(pct(reference, 50)), ms(pct(reference, 99)));
            System.out.printf("  ratio admin/reference: p50 %.1fx  p99 %.1fx%n", (double) pct(viaAdmin, 50) / pct(reference, 50),
                    (double) pct(viaAdmin, 99) / pct(reference, 99));
        }
    }

    private static ConsumerRecord<Cidr, ListEntry> blockOnce(ApiClient api, KafkaConsumer<Cidr, ListEntry> edge, Cidr cidr) {
        ApiClient.Response r = api.post("/api/v1/blocks", "{\"cidr\":\"" + cidr + "\",\"reason\":\"benchmark\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("POST failed: " + r);
        }
        return awaitKey(edge, cidr);
    }

    private static ConsumerRecord<Cidr, ListEntry> awaitKey(KafkaConsumer<Cidr, ListEntry> edge, Cidr cidr) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<Cidr, ListEntry> r : edge.poll(Duration.ofMillis(50))) {
                if (r.key().equals(cidr)) {
                    return r;
                }
            }
        }
        throw new IllegalStateException(cidr + " never reached the topic");
    }

    private static KafkaConsumer<Cidr, ListEntry> edgeConsumer(TestKafka kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", kafka.bootstrapServers());
        config.put("enable.auto.commit", false);
        // As the edge reads it: no group, and fetches answered at once.
        config.put("fetch.max.wait.ms", 5);
        KafkaConsumer<Cidr, ListEntry> consumer = new KafkaConsumer<>(config, Topics.BLOCKLIST.keySerde().deserializer(),
                Topics.BLOCKLIST.valueSerde().deserializer());
        TopicPartition tp = new TopicPartition(Topics.BLOCKLIST.name(), 0);
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp);
        return consumer;
    }

    private static void ingest(TestKafka kafka, PostgresDatabase db, RequestLogWriter writer, JdbcClient jdbc) throws Exception {
        List<EnrichedRequestEvent> events = events(ROWS);
        try (KafkaProducer<ClientIp, EnrichedRequestEvent> producer = kafka.producer(Topics.ENRICHED_REQUESTS.keySerde().serializer(),
                Topics.ENRICHED_REQUESTS.valueSerde().serializer())) {
            for (EnrichedRequestEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), e.request().ip(), e));
            }
            producer.flush();
        }
        double ours;
        KafkaProperties client = new KafkaProperties();
        client.setBootstrapServers(List.of(kafka.bootstrapServers()));
        ConcurrentMessageListenerContainer<ClientIp, EnrichedRequestEvent> feed = new TopicFeeds(client, new SimpleMeterRegistry())
                .feed("bench", Topics.ENRICHED_REQUESTS, "bench-" + UUID.randomUUID(), BATCH, Topics.REQUESTS_DLQ, writer::write);
        feed.start();
        try {
            // Sustained rate: from the first stored batch (after the group join, which is a fixed cost
            // of a few seconds) to the last. The aggregates count exactly the rows inserted, and stay a
            // small table to poll.
            long first = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> storedRows(jdbc), rows -> rows > 0);
            long start = System.nanoTime();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> storedRows(jdbc) >= ROWS);
            ours = (ROWS - first) / ((System.nanoTime() - start) / 1e9);
        } finally {
            feed.stop();
        }

        jdbc.sql("truncate request_log, request_hourly").update();
        IpTruncation truncation = IpTruncation.DEFAULT;
        SensitivePaths sensitive = new SensitivePaths(List.of("/login", "/admin/**", "/wp-login.php", "/xmlrpc.php", "/.env", "/.git/**"));
        long refStart = System.nanoTime();
        try (Connection c = db.connect();
                PreparedStatement insert = c.prepareStatement("insert into request_log (ts, event_id, client, method, host, path, status, "
                        + "latency_ms, user_agent, subject, decision, rule, mode, country_code, asn, sensitive) "
                        + "values (?, ?, cast(? as cidr), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            int n = 0;
            for (EnrichedRequestEvent e : events) {
                RequestEvent r = e.request();
                insert.setTimestamp(1, Timestamp.from(r.timestamp()));
                insert.setObject(2, r.eventId());
                insert.setString(3, truncation.truncate(r.ip()).toString());
                insert.setString(4, r.method());
                insert.setString(5, r.host());
                insert.setString(6, r.path());
                insert.setObject(7, r.status(), Types.SMALLINT);
                insert.setObject(8, r.latencyMs(), Types.BIGINT);
                insert.setString(9, r.userAgent());
                insert.setString(10, r.subject());
                insert.setString(11, r.decision().name());
                insert.setString(12, r.rule());
                insert.setString(13, r.mode().name());
                insert.setString(14, e.geo().countryCode());
                insert.setObject(15, e.geo().asn(), Types.BIGINT);
                insert.setBoolean(16, sensitive.matches(r.path()));
                insert.addBatch();
                if (++n % BATCH == 0) {
                    insert.executeBatch();
                    c.commit();
                }
            }
            insert.executeBatch();
            c.commit();
        }
        double reference = ROWS / ((System.nanoTime() - refStart) / 1e9);

        jdbc.sql("truncate request_log, request_hourly").update();
        long writerStart = System.nanoTime();
        for (int i = 0; i < events.size(); i += BATCH) {
            writer.write(events.subList(i, Math.min(events.size(), i + BATCH)));
        }
        double writerOnly = ROWS / ((System.nanoTime() - writerStart) / 1e9);
        System.out.printf("request-log ingest, %d rows in batches of %d:%n", ROWS, BATCH);
        System.out.printf("  admin, sustained (Kafka backlog -> consumer -> one unnest statement per batch + aggregates): %,.0f rows/s%n", ours);
        System.out.printf("  admin's writer alone, the same rows from memory (no Kafka):                                 %,.0f rows/s%n", writerOnly);
        System.out.printf("  reference (plain JDBC batch insert of the same rows from memory, no aggregates):          %,.0f rows/s%n", reference);
        System.out.printf("  ratio admin/reference: %.2f (writer alone/reference: %.2f)%n", ours / reference, writerOnly / reference);
    }

    private static long storedRows(JdbcClient jdbc) {
        return jdbc.sql("select coalesce(sum(requests), 0) from request_hourly").query(Long.class).single();
    }

    private static List<EnrichedRequestEvent> events(int n) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String[] paths = {"/", "/shop", "/shop/cart", "/login", "/admin/users", "/static/app.js", "/api/items"};
        String[] countries = {"DE", "NL", "US", "FR", "SE", "JP", null};
        Decision[] decisions = {Decision.ALLOWED, Decision.ALLOWED, Decision.ALLOWED, Decision.RATE_LIMITED, Decision.BLOCKED};
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS);
        List<EnrichedRequestEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ClientIp ip = ClientIp.parse("198.18." + random.nextInt(256) + "." + random.nextInt(256));
            String country = countries[random.nextInt(countries.length)];
            events.add(new EnrichedRequestEvent(new RequestEvent(UUID.randomUUID(), base.plusMillis(i * 10L), ip, "GET",
                    "shop.example", paths[random.nextInt(paths.length)], 200, (long) random.nextInt(50),
                    "Mozilla/5.0 (X11; Linux x86_64) bench", null, decisions[random.nextInt(decisions.length)], null, Mode.PROXY),
                    country == null ? Geo.UNKNOWN : new Geo(country, null, null, null, null, 64496L, null, false)));
        }
        return events;
    }

    private static long pct(long[] values, int percentile) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
