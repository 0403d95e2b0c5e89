package io.iptracking.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.json.Json;
import io.iptracking.common.testing.HeadlessChromium;
import io.iptracking.configuration.EnvironmentVariables;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The whole system, run as users run it ({@code deploy/local/stack.sh}: a Kafka broker process and
 * the four service jars) and driven only from the outside. One stack for the class; each test uses
 * client IPs of its own. The failure drills come last, and each leaves the stack running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackIT {

    static final String FLAGS = "ip.flagged.v1";
    static final String ENRICHED = "ip.requests.enriched.v1";
    /** The detection rule's default: more than 100 requests in an hour. */
    static final int HIGH_VOLUME_LIMIT = 100;
    /** Secrets the edge is given, to check that no log line shows them. */
    static final String JWT_SECRET = "e2e-jwt-secret-" + ThreadLocalRandom.current().nextLong(1L << 62) + "-0123456789";
    static final String SUBJECT_SECRET = "e2e-subject-secret-" + ThreadLocalRandom.current().nextLong(1L << 62);

    Stack stack;
    TopicReader flags;
    TopicReader enriched;

    @BeforeAll
    void up() {
        stack = Stack.up(Map.of("INGEST_JWT_HMAC_SECRET", JWT_SECRET, "INGEST_SUBJECT_SECRET", SUBJECT_SECRET,
                // The webhook receiver runs on this machine: that one loopback address is opened, no other.
                "ADMIN_WEBHOOKS_ALLOWED_DESTINATIONS", "0.0.0.0/0,::/0,127.0.0.1/32"));
        flags = new TopicReader(stack.kafkaClient("admin"), FLAGS);
        enriched = new TopicReader(stack.kafkaClient("admin"), ENRICHED);
        // One block and unblock first, unmeasured: the first change also opens the admin's producer
        // and warms every step of the path, which is not what the 1 s promise is about.
        String warmUp = "198.18.0.1";
        HttpResponse<String> block = stack.admin("POST", "/api/v1/blocks", """
                {"cidr":"198.18.0.1","reason":"end-to-end warm-up"}""");
        assertThat(block.statusCode()).as(block.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.edge("GET", "/", warmUp).statusCode() == 403);
        stack.admin("DELETE", "/api/v1/blocks/" + Json.mapper().readTree(block.body()).get("id").asLong(), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.edge("GET", "/", warmUp).statusCode() == 200);
    }

    @AfterAll
    void down() throws InterruptedException {
        if (flags != null) {
            flags.close();
        }
        if (enriched != null) {
            enriched.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aRequestThroughTheEdgeIsAnsweredEnrichedAndLogged() throws Exception {
        // 81.2.69.142: a British address in MaxMind's GeoLite2 City data.
        String ip = "81.2.69.142";
        String path = "/products/" + ThreadLocalRandom.current().nextInt(1_000_000);
        HttpResponse<String> response = stack.edge("GET", path, ip);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("demo product");

        await().atMost(Duration.ofSeconds(30)).until(() -> !enrichedFor(ip, path).isEmpty());
        JsonNode event = enrichedFor(ip, path).getFirst().value();
        assertThat(event.at("/request/ip").asString()).isEqualTo(ip);
        assertThat(event.at("/request/decision").asString()).isEqualTo("ALLOWED");
        assertThat(event.at("/geo/countryCode").asString()).isEqualTo("GB");

        // The request log keeps the client truncated to its /24, with the country.
        await().atMost(Duration.ofSeconds(30)).until(() -> requestLogRows(path) > 0);
        try (Connection c = stack.sql(); PreparedStatement s = c.prepareStatement(
                "select host(client) || '/' || masklen(client), country_code, status, decision from request_log where path = ?")) {
            s.setString(1, path);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("81.2.69.0/24");
                assertThat(rs.getString(2)).isEqualTo("GB");
                assertThat(rs.getInt(3)).isEqualTo(200);
                assertThat(rs.getString(4)).isEqualTo("ALLOWED");
                assertThat(rs.next()).as("one row per request").isFalse();
            }
        }
    }

    @Test
    @Order(2)
    void aBlockReachesTheEdgeWithinASecondAndAnUnblockOrExpiryLiftsIt() {
        String ip = "198.51.100.7";
        assertThat(stack.edge("GET", "/", ip).statusCode()).isEqualTo(200);

        HttpResponse<String> block = stack.admin("POST", "/api/v1/blocks", """
                {"cidr":"198.51.100.0/24","reason":"end-to-end test"}""");
        assertThat(block.statusCode()).as(block.body()).isEqualTo(201);
        awaitEdgeAnswers(ip, 403, "block");
        assertThat(stack.edge("GET", "/", "198.51.101.7").statusCode()).as("outside the range").isEqualTo(200);

        long id = Json.mapper().readTree(block.body()).get("id").asLong();
        assertThat(stack.admin("DELETE", "/api/v1/blocks/" + id, null).statusCode()).isEqualTo(200);
        awaitEdgeAnswers(ip, 200, "unblock");

        HttpResponse<String> expiring = stack.admin("POST", "/api/v1/blocks", """
                {"cidr":"198.51.100.7","reason":"end-to-end test, expiring","duration":"3s"}""");
        assertThat(expiring.statusCode()).as(expiring.body()).isEqualTo(201);
        awaitEdgeAnswers(ip, 403, "expiring block");
        // Expiry is checked at the edge against the entry's expiresAt: no message needs to arrive.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> stack.edge("GET", "/", ip).statusCode() == 200);
    }

    @Test
    @Order(3)
    void theRequestOverTheHourlyLimitIsFlaggedWithinTwoSecondsAndAdminAccessIsFlagged() {
        String ip = "203.0.113.50";
        for (int i = 1; i <= HIGH_VOLUME_LIMIT; i++) {
            assertThat(stack.edge("GET", product(i), ip).statusCode()).isEqualTo(200);
        }
        assertThat(flags.withKey(ip)).as("no flag at the limit").isEmpty();

        long sent = System.nanoTime();
        assertThat(stack.edge("GET", product(HIGH_VOLUME_LIMIT + 1), ip).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> !flags.withKey(ip).isEmpty());
        TopicReader.Read flag = flags.withKey(ip).getFirst();
        System.out.printf("StackIT: 101st request at the edge -> flag read in %d ms%n", (flag.readAtNanos() - sent) / 1_000_000);
        assertThat(flag.value().at("/rule").asString()).isEqualTo("HIGH_VOLUME");
        assertThat(flag.value().at("/requestCount").asInt()).isEqualTo(HIGH_VOLUME_LIMIT + 1);
        assertThat(flag.value().at("/reason").asString()).contains(ip);

        String admin = "203.0.113.51";
        assertThat(stack.edge("GET", "/admin", admin).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> !flags.withKey(admin).isEmpty());
        assertThat(flags.withKey(admin)).singleElement().satisfies(r -> {
            assertThat(r.value().at("/rule").asString()).isEqualTo("SENSITIVE_PATH");
            assertThat(r.value().at("/evidence/samplePaths/0").asString()).isEqualTo("/admin");
        });
    }

    @Test
    @Order(4)
    void theEdgeLogsOneJsonObjectPerLineWithoutItsSecrets() throws IOException {
        List<String> lines = Files.readAllLines(stack.dir.resolve("logs/ingest.log"));
        // stack.sh marks each start of the service with a line of its own.
        List<String> logLines = lines.stream().filter(l -> !l.isBlank() && !(l.startsWith("==== ") && l.contains(" stack.sh "))).toList();
        assertThat(logLines).as("the edge logged its start and the traffic so far").hasSizeGreaterThan(5);
        for (String line : logLines) {
            JsonNode entry;
            try {
                entry = Json.mapper().readTree(line);
            } catch (JacksonException e) {
                throw new AssertionError("the edge logged a line that is not JSON: " + line, e);
            }
            assertThat(entry.isObject()).as(line).isTrue();
            assertThat(entry.at("/@timestamp").asString()).as(line).isNotEmpty();
            assertThat(entry.at("/log/level").asString()).as(line).isNotEmpty();
            assertThat(entry.at("/service/name").asString()).as(line).isEqualTo("ingest-service");
            assertThat(entry.at("/message").isString()).as(line).isTrue();
        }
        assertThat(String.join("\n", lines)).doesNotContain(JWT_SECRET).doesNotContain(SUBJECT_SECRET);
    }

    @Test
    @Order(5)
    void onlyAdminWritesTheBlocklistAndOtherSystemsOnlyReadFlags() throws InterruptedException {
        String key = "198.51.100.250/32";
        String forged = "{\"schemaVersion\":1,\"cidr\":\"0.0.0.0/0\",\"action\":\"ALLOW\",\"reason\":\"forged\"}";
        // No credentials: the broker does not let the client in at all.
        assertThat(write(stack.kafkaClient(null), "ip.blocklist.v1", key, forged)).as("without credentials").isNotNull();
        // Another service's principal, or a wrong password: not authorized, not authenticated.
        for (String service : List.of("ipt-ingest", "ipt-enrichment", "ipt-detection", "ipt-flags-reader")) {
            assertThat(write(stack.kafkaClient(service), "ip.blocklist.v1", key, forged)).as(service)
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        Map<String, Object> wrongPassword = stack.kafkaClient("ipt-admin");
        wrongPassword.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"ipt-admin\" password=\"guess\";");
        assertThat(write(wrongPassword, "ip.blocklist.v1", key, forged)).isInstanceOf(SaslAuthenticationException.class);
        // The detection principal may not forge request events either, and the edge's may not forge flags.
        assertThat(write(stack.kafkaClient("ipt-detection"), "ip.requests.v1", "192.0.2.1", "{}"))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThat(write(stack.kafkaClient("ipt-ingest"), "ip.flagged.v1", "192.0.2.1", "{}"))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThat(keysOn("ip.blocklist.v1")).as("nothing forged reached the lists").isNotEmpty().doesNotContain(key);

        // Other systems: the flags, and nothing else.
        try (TopicReader reader = new TopicReader(stack.kafkaClient("ipt-flags-reader"), FLAGS)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !reader.withKey("203.0.113.51").isEmpty());
        }
        Map<String, Object> reader = stack.kafkaClient("ipt-flags-reader");
        reader.put(ConsumerConfig.GROUP_ID_CONFIG, "flags.e2e");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(reader, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("ip.requests.v1", 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(TopicAuthorizationException.class);
        }
        // Nor may it join a service's group, whose offsets it could move.
        reader.put(ConsumerConfig.GROUP_ID_CONFIG, "admin-service.flags");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(reader, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(FLAGS));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    @Order(6)
    void redisTakesOnlyTheEdgesUserAndOnlyForRateLimitKeys() throws IOException {
        String password = stack.environment("INGEST_REDIS_PASSWORD");
        assertThat(redis(List.of("GET", "ipt:rl:x"))).singleElement().asString().startsWith("-NOAUTH");
        assertThat(redis(List.of("AUTH", "default", ""), List.of("PING"))).allSatisfy(r -> assertThat(r).startsWith("-"));
        assertThat(redis(List.of("AUTH", "ipt-ingest", "wrong"))).singleElement().asString().startsWith("-WRONGPASS");
        List<String> replies = redis(List.of("AUTH", "ipt-ingest", password), List.of("GET", "ipt:rl:x"), List.of("GET", "other:key"),
                List.of("KEYS", "*"), List.of("FLUSHALL"), List.of("CONFIG", "GET", "requirepass"));
        assertThat(replies.get(0)).isEqualTo("+OK");
        assertThat(replies.get(1)).as("a rate-limit key").isEqualTo("$-1");
        assertThat(replies.subList(2, 6)).as("another key, KEYS, FLUSHALL, CONFIG").allSatisfy(r -> assertThat(r).startsWith("-NOPERM"));
    }

    @Test
    @Order(8)
    void anErasureDeletesTheIpsWindowInDetection() {
        String ip = "203.0.113.80";
        String activity = "/api/v1/ips/" + ip + "/activity";
        for (int i = 1; i <= 3; i++) {
            assertThat(stack.edge("GET", product(i), ip).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.detection(activity).statusCode() == 200
                        && Json.mapper().readTree(stack.detection(activity).body()).get("requests").asLong() == 3);

        HttpResponse<String> erased = stack.admin("DELETE", "/api/v1/ips/" + ip + "/data", null);

        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(erased.body()).at("/sent/detectionState/topic").asString()).isEqualTo("ip.erasures.v1");
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> stack.detection(activity).statusCode() == 404);
        System.out.printf("StackIT: erasure -> detection's window gone after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        // The IP's next request starts a window of its own.
        assertThat(stack.edge("GET", product(1), ip).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.detection(activity).statusCode() == 200
                        && Json.mapper().readTree(stack.detection(activity).body()).get("requests").asLong() == 1);
    }

    @Test
    @Order(7)
    void adminRunsAsARoleThatOnlyReadsAndWritesRows() throws SQLException {
        try (Connection c = stack.sql(); PreparedStatement s = c.prepareStatement("select distinct a.usename, r.rolsuper, r.rolcreaterole, "
                + "r.rolcreatedb from pg_stat_activity a join pg_roles r on r.rolname = a.usename "
                + "where a.datname = current_database() and a.pid <> pg_backend_pid()"); ResultSet r = s.executeQuery()) {
            List<String> users = new ArrayList<>();
            while (r.next()) {
                users.add(r.getString(1));
                assertThat(r.getBoolean(2) || r.getBoolean(3) || r.getBoolean(4)).as(r.getString(1) + " has no superpower").isFalse();
            }
            assertThat(users).as("admin's connections").containsExactly(stack.adminDatabaseRole());
        }
        try (Connection c = stack.sqlAsAdmin(); var s = c.createStatement()) {
            assertThat(s.executeQuery("select count(*) from list_entry").next()).isTrue();
            ResultSet added = s.executeQuery("select request_log_days.add_day(date '2001-01-01'), request_log_days.drop_day(date '2001-01-01')");
            assertThat(added.next() && added.getBoolean(1) && added.getBoolean(2)).as("day partitions through the functions").isTrue();
            for (String forbidden : List.of("drop table list_entry", "alter table audit_log drop column subject", "truncate audit_log",
                    "delete from flyway_schema_history", "create role intruder", "create database intruder",
                    // Nothing of its own anywhere: a function it made could run as whoever calls a same-named one.
                    "create function format(text, name, name, text) returns text language sql as 'select $1'",
                    "create table request_log_days.intruder (x int)", "drop table request_log_default",
                    "create table request_log_days.p partition of request_log for values from ('2000-01-01') to ('2000-01-02')")) {
                assertThatThrownBy(() -> s.execute(forbidden)).as(forbidden).isInstanceOf(SQLException.class);
            }
        }
    }

    /** Sends the commands on one connection to the stack's Redis; the first line of each reply. */
    @SafeVarargs
    private List<String> redis(List<String>... commands) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", stack.redisPort)) {
            socket.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> replies = new ArrayList<>();
            for (List<String> command : commands) {
                StringBuilder out = new StringBuilder("*" + command.size() + "\r\n");
                command.forEach(part -> out.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(part).append("\r\n"));
                socket.getOutputStream().write(out.toString().getBytes(StandardCharsets.UTF_8));
                String reply = in.readLine();
                if (reply.startsWith("$") && !reply.equals("$-1")) {
                    in.readLine();
                }
                replies.add(reply);
            }
            return replies;
        }
    }

    /** The keys of every record on the topic now, read to its end by the super user. */
    private List<String> keysOn(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(stack.kafkaClient("admin"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> keys = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            return keys;
        }
    }

    /** Writes one record; the cause of the failure, or null when the write was acknowledged. */
    private static Throwable write(Map<String, Object> client, String topic, String key, String value) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        config.put(ProducerConfig.RETRIES_CONFIG, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(15, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (KafkaException | java.util.concurrent.TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(10)
    void detectionKilledMidStreamNeitherLosesNorRepeatsAFlag() {
        List<String> ips = ips("192.0.2.", 20);
        crashMidStream("detection", ips);
    }

    @Test
    @Order(11)
    void enrichmentKilledMidStreamNeitherLosesNorRepeatsAnEventOrAFlag() {
        List<String> ips = ips("100.64.7.", 20);
        crashMidStream("enrichment", ips);
        // Every request these clients made was enriched exactly once.
        Map<String, Long> perEvent = enriched.matching(r -> ips.contains(r.key())).stream()
                .collect(Collectors.groupingBy(r -> r.value().at("/request/eventId").asString(), Collectors.counting()));
        assertThat(perEvent).hasSize(ips.size() * (HIGH_VOLUME_LIMIT + 1));
        assertThat(perEvent.values()).containsOnly(1L);
    }

    @Test
    @Order(20)
    void withRedisStoppedTheEdgeKeepsServingWithLocalLimitsAndRecovers() {
        String ip = "203.0.113.60";
        stack.stop("redis");
        try {
            List<Integer> statuses = IntStream.range(0, 7).mapToObj(i -> stack.edge("GET", "/login", ip).statusCode()).toList();
            // Fail-open to per-instance buckets: served, and still limited to 5 a minute.
            assertThat(statuses.subList(0, 5)).containsOnly(200);
            assertThat(statuses.subList(5, 7)).containsOnly(429);
            assertThat(stack.edge("GET", "/products/1", ip).statusCode()).isEqualTo(200);
            assertThat(stack.get(stack.edgeManagementPort, "/actuator/health").body()).contains("\"shared\":false");
        } finally {
            stack.start("redis");
        }
        // The edge tries the store again on a rate-limited request once its retry interval (5 s) has passed.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            stack.edge("GET", "/login", "203.0.113.61");
            return stack.get(stack.edgeManagementPort, "/actuator/health").body().contains("\"shared\":true");
        });
    }

    @Test
    @Order(21)
    void withTheBrokerStoppedTheEdgeKeepsServingAndThePipelineResumesWhenItReturns() {
        String ip = "203.0.113.70";
        stack.stop("kafka");
        try {
            for (int i = 1; i <= HIGH_VOLUME_LIMIT + 1; i++) {
                assertThat(stack.edge("GET", product(i), ip).statusCode()).as("request %d without Kafka", i).isEqualTo(200);
            }
            // An erasure that cannot reach detection does nothing and says so, rather than half of it.
            HttpResponse<String> erasure = stack.admin("DELETE", "/api/v1/ips/203.0.113.62/data", null);
            assertThat(erasure.statusCode()).as(erasure.body()).isEqualTo(503);
            assertThat(erasure.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(erasure.headers().firstValue("Retry-After")).isPresent();
            assertThat(Json.mapper().readTree(erasure.body()).get("type").asString()).isEqualTo("urn:iptracking:problem:unavailable");
        } finally {
            stack.start("kafka");
        }
        // The edge kept the events while the broker was away; once it is back they flow through
        // enrichment and detection, and the client is flagged.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> !flags.withKey(ip).isEmpty());
        assertThat(flags.withKey(ip)).singleElement().satisfies(r -> assertThat(r.value().at("/rule").asString()).isEqualTo("HIGH_VOLUME"));
        String after = "/products/after-restart-" + ThreadLocalRandom.current().nextInt(1_000_000);
        assertThat(stack.edge("GET", after, "203.0.113.71").statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> requestLogRows(after) == 1);
    }

    /**
     * Each service's JVM holds its own secrets and none of the variables only other services read,
     * nor secrets of .env that no service reads.
     */
    @Test
    @Order(9)
    void noServiceSeesAnotherServicesVariables() {
        Map<String, Set<String>> reads = new HashMap<>();
        for (String service : ConfigurationReference.SERVICES) {
            reads.put(service, EnvironmentVariables.parse(ConfigurationReference.read(stack.repository.resolve(
                    service + "/src/main/resources/" + EnvironmentVariables.RESOURCE)), service).keySet());
        }
        for (String service : ConfigurationReference.SERVICES) {
            Map<String, String> environment = stack.processEnvironment(service.replace("-service", ""));
            Set<String> others = new HashSet<>();
            reads.forEach((other, names) -> others.addAll(names));
            others.removeAll(reads.get(service));
            assertThat(environment.keySet()).as("%s's environment", service).isNotEmpty().doesNotContainAnyElementsOf(others)
                    .noneMatch(name -> name.endsWith("_PASSWORD") && !reads.get(service).contains(name));
            String own = service.replace("-service", "").toUpperCase(java.util.Locale.ROOT) + "_";
            List<String> othersPasswords = new ArrayList<>();
            Stack.KAFKA_PASSWORDS.values().stream().filter(v -> !v.startsWith(own)).forEach(v -> othersPasswords.add(stack.environment(v)));
            List.of("ADMIN_DB_PASSWORD", "ADMIN_DB_OWNER_PASSWORD", "INGEST_REDIS_PASSWORD").stream().filter(v -> !v.startsWith(own))
                    .forEach(v -> othersPasswords.add(stack.environment(v)));
            List.of("POSTGRES_PASSWORD", "GEOIPUPDATE_LICENSE_KEY", "STACK_DB_SUPERUSER_PASSWORD").stream()
                    .map(stack::environment).filter(v -> v != null && !v.isEmpty()).forEach(othersPasswords::add);
            assertThat(environment.values()).as("%s's environment", service)
                    .allSatisfy(value -> assertThat(othersPasswords).noneMatch(value::contains));
        }
    }

    /**
     * CrowdSec's own custom bouncer (Debian's crowdsec-custom-bouncer), pointed at admin's Local API
     * with a key made through the admin API and polling every second, runs a script for each decision:
     * 50 blocks made through the admin API reach it as adds (the time from the API's answer to the
     * script is printed), an unblock and an expiry as deletes.
     */
    @Test
    @Order(12)
    void aCrowdSecBouncerEnforcesTheBlocksMadeThroughTheAdminApi() throws Exception {
        HttpResponse<String> created = stack.admin("POST", "/api/v1/bouncers", "{\"name\":\"custom-e2e\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = Json.mapper().readTree(created.body()).get("apiKey").asString();
        Path dir = Files.createDirectories(stack.dir.resolve("bouncer"));
        Path decisions = dir.resolve("decisions.log");
        Path script = dir.resolve("record.sh");
        // Each call: add|del <value> <duration> <reason> <json>; one line with the time it ran.
        Files.writeString(script, "#!/bin/sh\necho \"$(date +%s%N) $1 $2\" >> " + decisions + "\n");
        script.toFile().setExecutable(true);
        Path config = dir.resolve("crowdsec-custom-bouncer.yaml");
        Files.writeString(config, String.join("\n",
                "bin_path: " + script,
                "feed_via_stdin: false",
                "total_retries: 0",
                "scenarios_containing: []",
                "scenarios_not_containing: []",
                "origins: []",
                "piddir: " + dir,
                "update_frequency: 1s",
                "cache_retention_duration: 10s",
                "daemonize: false",
                "log_mode: file",
                "log_dir: " + dir,
                "log_level: info",
                "api_url: http://127.0.0.1:" + stack.adminPort + "/",
                "api_key: " + key,
                "prometheus:",
                "  enabled: false",
                "  listen_addr: 127.0.0.1",
                "  listen_port: 0",
                ""));
        Process bouncer = new ProcessBuilder("crowdsec-custom-bouncer", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("bouncer.out").toFile()).start();
        try {
            Map<String, Long> blockedAt = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 50; i++) {
                String ip = "198.18.7." + (i + 1);
                HttpResponse<String> block = stack.admin("POST", "/api/v1/blocks", "{\"cidr\":\"" + ip + "\",\"reason\":\"e2e bouncer\"}");
                assertThat(block.statusCode()).as(block.body()).isEqualTo(201);
                blockedAt.put(ip, System.currentTimeMillis());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> bouncerCalls(decisions, "add").keySet().containsAll(blockedAt.keySet()));
            Map<String, Long> added = bouncerCalls(decisions, "add");
            List<Long> latencies = blockedAt.entrySet().stream().map(e -> added.get(e.getKey()) - e.getValue()).sorted().toList();
            System.out.printf("StackIT: admin API block -> CrowdSec custom bouncer's script, %d blocks, update_frequency 1s: "
                    + "p50 %d ms, p99 %d ms, max %d ms%n", latencies.size(), latencies.get(latencies.size() / 2),
                    latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1), latencies.getLast());

            long id = Json.mapper().readTree(stack.admin("GET", "/api/v1/blocks?contains=198.18.7.1", null).body()).get("items").get(0)
                    .get("id").asLong();
            assertThat(stack.admin("DELETE", "/api/v1/blocks/" + id, null).statusCode()).isEqualTo(200);
            assertThat(stack.admin("POST", "/api/v1/blocks", "{\"cidr\":\"198.18.8.1\",\"reason\":\"e2e\",\"duration\":\"2s\"}")
                    .statusCode()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                Map<String, Long> deleted = bouncerCalls(decisions, "del");
                return deleted.containsKey("198.18.7.1") && deleted.containsKey("198.18.8.1");
            });
            assertThat(bouncerCalls(decisions, "del")).as("not the other blocks").doesNotContainKeys("198.18.7.2", "198.18.7.50");
        } finally {
            bouncer.destroy();
            bouncer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Webhooks from the running stack: an endpoint registered through the admin API gets a signed
     * {@code block.added} for each block made through the API and a {@code flag.raised} for a client
     * detection flags, each verified with Svix's own Standard Webhooks library.
     */
    @Test
    @Order(14)
    void webhooksTellAnotherSystemOfBlocksAndFlagsSigned() throws Exception {
        List<com.sun.net.httpserver.Headers> headers = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> receivedAt = new java.util.concurrent.ConcurrentHashMap<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            headers.add(exchange.getRequestHeaders());
            bodies.add(body);
            String cidr = Json.mapper().readTree(body).get("data").path("cidr").asString();
            receivedAt.putIfAbsent(cidr, System.currentTimeMillis());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            HttpResponse<String> created = stack.admin("POST", "/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\",\"events\":[\"block.added\",\"flag.raised\"]}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String secret = Json.mapper().readTree(created.body()).get("secret").asString();
            assertThat(stack.admin("POST", "/api/v1/webhooks", "{\"url\":\"http://169.254.169.254/latest/meta-data/\","
                    + "\"events\":[\"block.added\"]}").statusCode()).as("cloud metadata").isEqualTo(400);

            Map<String, Long> blockedAt = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                String ip = "198.18.9." + (i + 1);
                assertThat(stack.admin("POST", "/api/v1/blocks", "{\"cidr\":\"" + ip + "\",\"reason\":\"e2e webhook\"}").statusCode())
                        .isEqualTo(201);
                blockedAt.put(ip + "/32", System.currentTimeMillis());
            }
            String flagged = "198.18.10.1";
            assertThat(stack.edge("GET", "/wp-login.php", flagged).statusCode()).isNotEqualTo(403);
            await().atMost(Duration.ofSeconds(30)).until(() -> receivedAt.keySet().containsAll(blockedAt.keySet())
                    && bodies.stream().anyMatch(b -> b.contains("\"flag.raised\"") && b.contains(flagged)));
            List<Long> latencies = blockedAt.entrySet().stream().map(e -> receivedAt.get(e.getKey()) - e.getValue()).sorted().toList();
            System.out.printf("StackIT: admin API block -> webhook received, %d blocks: p50 %d ms, max %d ms%n", latencies.size(),
                    latencies.get(latencies.size() / 2), latencies.getLast());
            synchronized (bodies) {
                for (int i = 0; i < bodies.size(); i++) {
                    new com.svix.Webhook(secret).verify(bodies.get(i), headers.get(i));
                }
            }
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * The Grafana board (deploy/monitoring) asks only for metrics the running services export: each
     * metric name in its queries is among the names scraped from the four services' Prometheus
     * endpoints, after the traffic, flags, blocks, bouncer pulls and webhooks of the tests before.
     */
    @Test
    @Order(15)
    void theGrafanaBoardQueriesOnlyMetricsTheServicesExport() throws Exception {
        JsonNode board = Json.mapper().readTree(Files.readString(ConfigurationReferenceTest.REPOSITORY
                .resolve("deploy/monitoring/grafana/dashboards/ip-tracking.json")));
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile(
                "\\b(?:ipt|kafka|jvm|process|http|hikaricp|tomcat|jetty|executor|system)_[a-z0-9_]+\\b");
        Map<String, String> used = new java.util.TreeMap<>();
        for (JsonNode panel : board.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asString();
                java.util.regex.Matcher m = metric.matcher(expr);
                assertThat(m.find()).as("panel %s queries a metric: %s", panel.get("title").asString(), expr).isTrue();
                do {
                    used.put(m.group(), panel.get("title").asString());
                } while (m.find());
            }
        }
        Set<String> exported = new java.util.TreeSet<>();
        for (int port : List.of(stack.edgeManagementPort, stack.enrichmentPort, stack.detectionPort, stack.adminManagementPort)) {
            HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).as("scrape of port %d", port).isEqualTo(200);
            scrape.body().lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.split("[{ ]", 2)[0]).forEach(exported::add);
        }
        Map<String, String> missing = new java.util.TreeMap<>(used);
        missing.keySet().removeAll(exported);
        assertThat(missing).as("metrics the board queries (name -> panel) that no service exports").isEmpty();
        System.out.printf("StackIT: the Grafana board's %d panels query %d metric names, all exported%n",
                board.get("panels").size(), used.size());
    }

    /**
     * The dashboard in headless Chromium (Debian's chromium and chromium-driver) against the running
     * stack: signed in with the stack's operator key, a block made through its form reaches the edge
     * within a second of the form's answer.
     */
    @Test
    @Order(16)
    void aBlockMadeThroughTheDashboardsFormReachesTheEdge() {
        try (HeadlessChromium chromium = new HeadlessChromium(1400, 1000)) {
            org.openqa.selenium.chrome.ChromeDriver browser = chromium.driver();
            browser.get("http://127.0.0.1:" + stack.adminPort + "/");
            await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("signin")).isDisplayed());
            browser.findElement(By.id("key")).sendKeys(stack.apiKey);
            browser.findElement(By.cssSelector("#signinForm button")).click();
            await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.tagName("body")).getDomAttribute("data-refreshed") != null);
            assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("e2e · operator");
            String ip = "198.18.11.1";
            assertThat(stack.edge("GET", "/", ip).statusCode()).isEqualTo(200);
            browser.findElement(By.id("blockCidr")).sendKeys(ip);
            browser.findElement(By.id("blockReason")).sendKeys("blocked through the dashboard");
            browser.findElement(By.cssSelector("#block button")).click();
            await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("blocks")).getText().contains(ip + "/32"));
            awaitEdgeAnswers(ip, 403, "block through the dashboard's form");
            chromium.screenshot("stack-dashboard");
        }
    }

    /**
     * CrowdSec's firewall bouncer (Debian's crowdsec-firewall-bouncer, nftables mode) in a network
     * namespace this test makes, joined to the host by a veth pair: host side 10.200.0.1 (admin's API)
     * and 10.200.0.3 (a client), namespace side 10.200.0.2, where the bouncer's own metrics port
     * listens. A block of the client made through the admin API becomes an nftables drop rule: the
     * client's TCP connections to the namespace time out while 10.200.0.1's still connect; the unblock
     * lets it in again.
     */
    @Test
    @Order(13)
    void aFirewallBouncerInANetworkNamespaceDropsABlockedClientsConnections() throws Exception {
        String ns = "ipt-e2e-fw";
        Path dir = Files.createDirectories(stack.dir.resolve("firewall-bouncer"));
        run("ip", "netns", "del", ns);
        run("ip", "link", "del", "ipte2e-h");
        requireOk("ip", "netns", "add", ns);
        Process bouncer = null;
        try {
            requireOk("ip", "link", "add", "ipte2e-h", "type", "veth", "peer", "name", "ipte2e-n");
            requireOk("ip", "link", "set", "ipte2e-n", "netns", ns);
            requireOk("ip", "addr", "add", "10.200.0.1/29", "dev", "ipte2e-h");
            requireOk("ip", "addr", "add", "10.200.0.3/29", "dev", "ipte2e-h");
            requireOk("ip", "link", "set", "ipte2e-h", "up");
            requireOk("ip", "netns", "exec", ns, "ip", "addr", "add", "10.200.0.2/29", "dev", "ipte2e-n");
            requireOk("ip", "netns", "exec", ns, "ip", "link", "set", "ipte2e-n", "up");

            HttpResponse<String> created = stack.admin("POST", "/api/v1/bouncers", "{\"name\":\"firewall-e2e\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            Path config = dir.resolve("crowdsec-firewall-bouncer.yaml");
            Files.writeString(config, String.join("\n",
                    "mode: nftables",
                    "pid_dir: " + dir,
                    "update_frequency: 1s",
                    "daemonize: false",
                    "log_mode: file",
                    "log_dir: " + dir,
                    "log_level: info",
                    "api_url: http://10.200.0.1:" + stack.adminPort + "/",
                    "api_key: " + Json.mapper().readTree(created.body()).get("apiKey").asString(),
                    "disable_ipv6: false",
                    "deny_action: DROP",
                    "deny_log: false",
                    "supported_decisions_types:",
                    "  - ban",
                    "nftables:",
                    "  ipv4:",
                    "    enabled: true",
                    "    set-only: false",
                    "    table: crowdsec",
                    "    chain: crowdsec-chain",
                    "  ipv6:",
                    "    enabled: true",
                    "    set-only: false",
                    "    table: crowdsec6",
                    "    chain: crowdsec6-chain",
                    "prometheus:",
                    "  enabled: true",
                    "  listen_addr: 10.200.0.2",
                    "  listen_port: 60601",
                    ""));
            bouncer = new ProcessBuilder("ip", "netns", "exec", ns, "crowdsec-firewall-bouncer", "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("bouncer.out").toFile()).start();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> connects("10.200.0.3"));

            HttpResponse<String> block = stack.admin("POST", "/api/v1/blocks", "{\"cidr\":\"10.200.0.3\",\"reason\":\"e2e firewall\"}");
            assertThat(block.statusCode()).as(block.body()).isEqualTo(201);
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> !connects("10.200.0.3"));
            System.out.printf("StackIT: admin API block -> firewall bouncer drops the client's connections after %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(connects("10.200.0.1")).as("another address of the host").isTrue();

            long id = Json.mapper().readTree(block.body()).get("id").asLong();
            assertThat(stack.admin("DELETE", "/api/v1/blocks/" + id, null).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> connects("10.200.0.3"));
        } finally {
            if (bouncer != null) {
                bouncer.destroy();
                bouncer.waitFor(10, TimeUnit.SECONDS);
            }
            run("ip", "netns", "del", ns);
            run("ip", "link", "del", "ipte2e-h");
        }
    }

    /** Whether a TCP connection from {@code source} (a host address) to the bouncer's port in the namespace is accepted within 500 ms. */
    private static boolean connects(String source) {
        try (Socket socket = new Socket()) {
            socket.bind(new java.net.InetSocketAddress(source, 0));
            socket.connect(new java.net.InetSocketAddress("10.200.0.2", 60601), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static void requireOk(String... command) throws IOException, InterruptedException {
        assertThat(run(command)).as(String.join(" ", command)).isZero();
    }

    /** The bouncer script's calls of one kind (add or del): value to the first time it ran, epoch milliseconds. */
    private static Map<String, Long> bouncerCalls(Path log, String kind) throws IOException {
        Map<String, Long> calls = new java.util.LinkedHashMap<>();
        if (!Files.exists(log)) {
            return calls;
        }
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f.length >= 3 && f[1].equals(kind)) {
                calls.putIfAbsent(f[2], Long.parseLong(f[0]) / 1_000_000);
            }
        }
        return calls;
    }

    /**
     * The edge in CHECK mode behind nginx, with the shipped deploy/nginx/forward-auth.conf, as
     * {@code INGEST_MODE=CHECK stack.sh up} runs it: nginx passes what the edge allows, answers 403
     * for a blocked client and 429 for a rate-limited one, and the requests still reach the pipeline.
     * Last: the edge stays in CHECK mode.
     */
    @Test
    @Order(30)
    void theEdgeInCheckModeDecidesForNginxInFront() {
        stack.edgeInCheckMode();
        String client = "203.0.113.90";
        String path = "/products/check-" + ThreadLocalRandom.current().nextInt(1_000_000);
        HttpResponse<String> allowed = stack.front(path, client);
        assertThat(allowed.statusCode()).as("the demo app's answer, through nginx").isEqualTo(404);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> !enrichedFor(client, path).isEmpty());

        String blocked = "203.0.113.91";
        assertThat(stack.admin("POST", "/api/v1/blocks", "{\"cidr\":\"" + blocked + "\",\"reason\":\"check mode\"}").statusCode())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> stack.front("/", blocked).statusCode() == 403);
        assertThat(stack.front("/", client).statusCode()).isEqualTo(200);

        String eager = "203.0.113.92";
        List<Integer> statuses = IntStream.range(0, 7).mapToObj(i -> stack.front("/login", eager).statusCode()).toList();
        assertThat(statuses).as("anonymous /login, 5 a minute").endsWith(429, 429).doesNotContain(403, 500);
        HttpResponse<String> limited = stack.front("/login", eager);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    /**
     * Clients each send one request over the hourly limit, interleaved; {@code service} is killed
     * with SIGKILL when half of them have, and restarted while the rest keep coming. Every client
     * gets exactly one HIGH_VOLUME flag.
     */
    private void crashMidStream(String service, List<String> ips) {
        int half = ips.size() / 2;
        for (int i = 1; i <= HIGH_VOLUME_LIMIT; i++) {
            for (String ip : ips) {
                assertThat(stack.edge("GET", product(i), ip).statusCode()).isEqualTo(200);
            }
        }
        ips.subList(0, half).forEach(ip -> stack.edge("GET", product(HIGH_VOLUME_LIMIT + 1), ip));
        stack.kill(service);
        ips.subList(half, ips.size()).forEach(ip -> stack.edge("GET", product(HIGH_VOLUME_LIMIT + 1), ip));
        stack.start(service);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> flags.matching(r -> ips.contains(r.key())).size() >= ips.size());
        // Wait until enrichment, then detection, has committed all its input: then every flag either
        // will ever emit for these requests is on the topic.
        awaitCommitted("enrichment-service", "ip.requests.v1");
        awaitCommitted("ipt-detection", ENRICHED);
        Map<String, List<String>> rulesPerIp = flags.matching(r -> ips.contains(r.key())).stream().collect(Collectors.groupingBy(
                TopicReader.Read::key, Collectors.mapping(r -> r.value().at("/rule").asString(), Collectors.toList())));
        assertThat(rulesPerIp).as("flags per client").hasSize(ips.size());
        assertThat(rulesPerIp.values()).allSatisfy(rules -> assertThat(rules).containsExactly("HIGH_VOLUME"));
    }

    /** Waits at most 1 s, from now (just after the admin API answered), for the edge to answer {@code status}. */
    private void awaitEdgeAnswers(String ip, int status, String change) {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> stack.edge("GET", "/", ip).statusCode() == status);
        System.out.printf("StackIT: %s -> edge answers %d after %d ms%n", change, status, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * A product page; an ordinary client looks at a handful of them, so that sending many requests
     * trips only the volume rule, not the scanning rule (60 distinct paths).
     */
    private static String product(int i) {
        return "/products/" + (i % 5);
    }

    private List<TopicReader.Read> enrichedFor(String ip, String path) {
        return enriched.matching(r -> ip.equals(r.key()) && path.equals(r.value().at("/request/path").asString()));
    }

    private int requestLogRows(String path) throws Exception {
        try (Connection c = stack.sql(); PreparedStatement s = c.prepareStatement("select count(*) from request_log where path = ?")) {
            s.setString(1, path);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Waits until consumer group {@code group} has committed offsets up to the current end of {@code topic}. */
    private void awaitCommitted(String group, String topic) {
        try (Admin admin = Admin.create(stack.kafkaClient("admin"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> ConsumerLag.of(admin, group, topic) == 0);
        }
    }

    private static List<String> ips(String prefix, int n) {
        List<String> ips = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ips.add(prefix + i);
        }
        return ips;
    }
}
