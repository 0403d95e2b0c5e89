package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.admin.webhooks.Deliveries;
import io.iptracking.admin.webhooks.Destinations;
import io.iptracking.admin.webhooks.EventType;
import io.iptracking.admin.webhooks.Signature;
import io.iptracking.admin.webhooks.WebhookSender;
import io.iptracking.common.ip.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sender connects only to addresses the destinations permit, at the moment it connects: a name
 * that resolved to a permitted address when checked and to a refused one when connecting (DNS
 * rebinding) is not connected to, and neither is an address literal refused since registration.
 */
class WebhookSenderIT {

    static final List<Cidr> REFUSED = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"));

    final WebhookReceiver receiver = receiver();

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void connectsToTheAddressItCheckedUnderTheNameItWasGiven() throws Exception {
        Destinations destinations = new Destinations(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("127.0.0.1/32")), REFUSED,
                host -> host.equals("hooks.test") ? new InetAddress[] {InetAddress.getByName("127.0.0.1")} : refuse(host));
        try (WebhookSender sender = new WebhookSender(destinations, Duration.ofSeconds(2), 4, Clock.systemUTC())) {
            WebhookSender.Outcome outcome = sender.send(due(receiver.url("/named").replace("127.0.0.1", "hooks.test")));
            assertThat(outcome).isEqualTo(new WebhookSender.Outcome.Delivered(200));
            assertThat(receiver.at("/named")).singleElement().satisfies(r -> assertThat(r.header("host")).startsWith("hooks.test:"));
        }
    }

    @Test
    void aNameThatRebindsToARefusedAddressIsNotConnectedTo() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // The first answer (the check before sending) is permitted; every later one (on connecting) is loopback's other address.
        Destinations destinations = new Destinations(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("127.0.0.1/32")), REFUSED,
                host -> new InetAddress[] {InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.1" : "127.0.0.2")});
        try (WebhookSender sender = new WebhookSender(destinations, Duration.ofSeconds(2), 4, Clock.systemUTC())) {
            WebhookSender.Outcome outcome = sender.send(due(receiver.url("/rebound").replace("127.0.0.1", "rebind.test")));
            assertThat(outcome).isInstanceOfSatisfying(WebhookSender.Outcome.Failed.class,
                    f -> assertThat(f.error()).startsWith("destination refused: rebind.test is 127.0.0.2"));
            assertThat(lookups.get()).as("resolved again on connecting").isGreaterThanOrEqualTo(2);
        }
        assertThat(receiver.at("/rebound")).isEmpty();
    }

    @Test
    void anAddressRefusedSinceRegistrationIsNotConnectedTo() throws Exception {
        Destinations now = new Destinations(List.of(Cidr.parse("0.0.0.0/0")), REFUSED, InetAddress::getAllByName);
        try (WebhookSender sender = new WebhookSender(now, Duration.ofSeconds(2), 4, Clock.systemUTC())) {
            WebhookSender.Outcome outcome = sender.send(due(receiver.url("/literal")));
            assertThat(outcome).isInstanceOfSatisfying(WebhookSender.Outcome.Failed.class,
                    f -> assertThat(f.error()).contains("destination refused").contains("127.0.0.0/8"));
        }
        assertThat(receiver.at("/literal")).isEmpty();
    }

    private static InetAddress[] refuse(String host) throws UnknownHostException {
        throw new UnknownHostException(host);
    }

    private static Deliveries.Due due(String url) {
        return new Deliveries.Due(1, "msg_00000000-0000-0000-0000-000000000001", EventType.BLOCK_ADDED, "{\"type\":\"block.added\"}",
                Instant.now(), 1, 1, url, Signature.newSecret());
    }

    private static WebhookReceiver receiver() {
        try {
            return new WebhookReceiver();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
