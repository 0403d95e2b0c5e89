package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.svix.Webhook;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * No webhook is lost when admin stops: deliveries that were failing when it stopped, and flags that
 * reached Kafka while it was down, are all delivered by the next admin, each under its webhook-id,
 * once answered with a 2xx.
 */
class WebhooksRestartIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    @Test
    void deliveriesPendingAtAStopAndFlagsSentWhileDownAreDeliveredAfterTheRestart() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver();
                KafkaProducer<ClientIp, FlaggedIp> flags = KAFKA.producer(Topics.FLAGGED.keySerde().serializer(),
                        Topics.FLAGGED.valueSerde().serializer())) {
            receiver.answer("/hook", 503);
            Set<String> expected = new TreeSet<>();
            String secret;
            try (ConfigurableApplicationContext first = start()) {
                ApiClient operator = new ApiClient(port(first), ApiClient.OPERATOR_KEY);
                ApiClient.Response created = operator.post("/api/v1/webhooks", "{\"url\":\"" + receiver.url("/hook")
                        + "\",\"events\":[\"flag.raised\",\"block.added\",\"block.removed\"]}");
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
                secret = created.json().get("secret").asString();
                for (int i = 0; i < 3; i++) {
                    FlaggedIp flag = WebhooksIT.flag("203.0.113." + (10 + i));
                    flags.send(new ProducerRecord<>(Topics.FLAGGED.name(), flag.ip(), flag)).get();
                    expected.add("msg_" + flag.flagId());
                }
                operator.post("/api/v1/blocks", "{\"cidr\":\"203.0.113.50\",\"reason\":\"before the restart\"}");
                operator.post("/api/v1/blocks", "{\"cidr\":\"203.0.113.51\",\"reason\":\"before the restart\"}");
                // Every message has been tried at least once, and failed, before admin stops.
                await().atMost(Duration.ofSeconds(30)).until(() -> ids(receiver.at("/hook")).size() == 5);
                expected.addAll(ids(receiver.at("/hook")));
            }
            int attemptsBeforeRestart = receiver.at("/hook").size();
            assertThat(receiver.at("/hook")).allSatisfy(r -> assertThat(r.answered()).isEqualTo(503));

            // While admin is down, detection goes on flagging.
            for (int i = 0; i < 3; i++) {
                FlaggedIp flag = WebhooksIT.flag("203.0.113." + (20 + i));
                flags.send(new ProducerRecord<>(Topics.FLAGGED.name(), flag.ip(), flag)).get();
                expected.add("msg_" + flag.flagId());
            }
            assertThat(expected).hasSize(8);
            receiver.answer("/hook", 200);

            try (ConfigurableApplicationContext second = start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> delivered(receiver).keySet().equals(expected));
                List<WebhookReceiver.Received> after = receiver.at("/hook").subList(attemptsBeforeRestart, receiver.at("/hook").size());
                for (WebhookReceiver.Received r : after) {
                    new Webhook(secret).verify(r.body(), r.headers());
                }
                assertThat(delivered(receiver).values()).as("each delivered once").containsOnly(1L);
                ApiClient viewer = new ApiClient(port(second), ApiClient.VIEWER_KEY);
                await().atMost(Duration.ofSeconds(10)).until(() -> viewer.get("/api/v1/webhooks/1/deliveries?status=delivered").json()
                        .get("total").asLong() == 8);
            }
        }
    }

    private static Map<String, Long> delivered(WebhookReceiver receiver) {
        return receiver.at("/hook").stream().filter(r -> r.answered() == 200)
                .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
    }

    private static Set<String> ids(List<WebhookReceiver.Received> received) {
        return received.stream().map(r -> r.header("webhook-id")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static ConfigurableApplicationContext start() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", DB.jdbcUrl());
        properties.put("spring.datasource.username", DB.username());
        properties.put("spring.datasource.password", DB.password());
        properties.put("spring.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        properties.put("admin.security.api-keys", ApiClient.apiKeysProperty());
        properties.put("admin.request-log.enabled", "false");
        properties.put("admin.webhooks.allowed-destinations", "0.0.0.0/0,::/0,127.0.0.1/32");
        properties.put("admin.webhooks.first-retry", "200ms");
        properties.put("admin.webhooks.max-retry-interval", "500ms");
        properties.put("server.port", "0");
        properties.put("management.server.port", "0");
        return new SpringApplicationBuilder(AdminApplication.class)
                .properties(Map.of("spring.main.banner-mode", "off"))
                .initializers(c -> c.getEnvironment().getPropertySources().addFirst(new MapPropertySource("restart-it", properties)))
                .run();
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

}
