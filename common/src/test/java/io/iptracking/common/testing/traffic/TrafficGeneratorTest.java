package io.iptracking.common.testing.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrafficGeneratorTest {

    static final Instant MIDNIGHT = Instant.parse("2026-05-04T00:00:00Z");
    static final LabelledTraffic DAY = TrafficGenerator.withSeed(7).start(MIDNIGHT).users(1500).generate();

    @Test
    void theSameSeedGivesTheSameTrafficAndAnotherSeedOther() {
        LabelledTraffic again = TrafficGenerator.withSeed(7).start(MIDNIGHT).users(1500).generate();
        assertThat(again.events()).isEqualTo(DAY.events());
        assertThat(again.actors()).isEqualTo(DAY.actors());
        assertThat(TrafficGenerator.withSeed(8).start(MIDNIGHT).users(1500).generate().events()).isNotEqualTo(DAY.events());
    }

    @Test
    void eventsAreInTimeOrderWithinThePeriodAndUnique() {
        List<Instant> times = DAY.events().stream().map(e -> e.request().timestamp()).toList();
        assertThat(times).isSorted().allSatisfy(t -> assertThat(t).isBetween(MIDNIGHT, MIDNIGHT.plus(Duration.ofHours(24))));
        assertThat(DAY.events().stream().map(e -> e.request().eventId()).distinct().count()).isEqualTo(DAY.events().size());
    }

    @Test
    void everyLabelledIpSendsAndEveryEventIsLabelled() {
        Set<ClientIp> senders = DAY.events().stream().map(e -> e.request().ip()).collect(Collectors.toSet());
        assertThat(DAY.actors().keySet()).containsAll(senders);
        for (Actor actor : Actor.values()) {
            assertThat(DAY.ipsOf(actor)).as(actor.name()).isNotEmpty();
        }
        assertThat(DAY.ipsOf(Actor.USER)).hasSize(1500);
        // A user whose only session falls after the end of the period sends nothing; that is rare.
        assertThat(senders.size()).isGreaterThan(DAY.actors().size() * 98 / 100);
    }

    @Test
    void peopleFollowADailyRhythm() {
        Map<Integer, Long> perHour = DAY.events().stream().filter(e -> DAY.actors().get(e.request().ip()) == Actor.USER)
                .collect(Collectors.groupingBy(e -> e.request().timestamp().atZone(ZoneOffset.UTC).getHour(), Collectors.counting()));
        long evening = perHour.get(20) + perHour.get(21);
        long night = perHour.get(3) + perHour.get(4);
        assertThat(evening).isGreaterThan(5 * night);
        assertThat(perHour.get(13)).isGreaterThan(perHour.get(9));
    }

    @Test
    void someMembersSignInAndOthersBrowseAnonymously() {
        List<RequestEvent> users = requests(Actor.USER);
        assertThat(users).anyMatch(r -> r.subject() != null).anyMatch(r -> r.subject() == null);
        assertThat(users).anyMatch(r -> r.path().equals("/login") && r.method().equals("POST") && r.status() == 302);
    }

    @Test
    void apiClientsAreHeavyAuthenticatedAndSteady() {
        for (ClientIp ip : DAY.ipsOf(Actor.API_CLIENT)) {
            List<RequestEvent> r = requestsOf(ip);
            assertThat(r).allMatch(e -> e.subject() != null);
            assertThat(r.size()).as("requests a day").isGreaterThan(24 * 200);
        }
    }

    @Test
    void attackersBehaveAsTheirKind() {
        assertThat(share(Actor.SCANNER, r -> r.status() == 404)).isGreaterThan(0.9);
        assertThat(share(Actor.CREDENTIAL_STUFFER, r -> r.path().equals("/login"))).isEqualTo(1.0);
        assertThat(share(Actor.CREDENTIAL_STUFFER, r -> r.status() == 401)).isGreaterThan(0.8);
        assertThat(share(Actor.SCRAPER, r -> r.path().startsWith("/products/"))).isEqualTo(1.0);
        assertThat(share(Actor.LOW_AND_SLOW_PROBER, r -> r.path().startsWith("/admin") || r.path().startsWith("/login"))).isZero();
        for (ClientIp ip : DAY.ipsOf(Actor.LOW_AND_SLOW_PROBER)) {
            assertThat(maxPerHour(ip)).as("a low-and-slow prober stays low").isLessThan(25);
        }
        for (ClientIp ip : DAY.ipsOf(Actor.CREDENTIAL_STUFFER)) {
            assertThat(requestsOf(ip).stream().map(RequestEvent::userAgent).distinct().count()).isGreaterThan(1);
        }
        // Four rotators: each request from an address of its own, all within four IPv6 /64s.
        List<RequestEvent> rotated = requests(Actor.IPV6_ROTATOR);
        assertThat(rotated).hasSizeGreaterThan(200);
        assertThat(rotated.stream().map(RequestEvent::ip).distinct().count()).isEqualTo(rotated.size());
        assertThat(rotated.stream().map(r -> Cidr.of(r.ip(), 64)).distinct().count()).isEqualTo(4);
        assertThat(DAY.clients()).containsValue(Actor.IPV6_ROTATOR)
                .hasSize(DAY.actors().size() - DAY.ipsOf(Actor.IPV6_ROTATOR).size() + 4);
    }

    @Test
    void attacksCanBeHeldBackUntilDetectionHasSeenBenignTraffic() {
        LabelledTraffic twoDays = TrafficGenerator.withSeed(9).start(MIDNIGHT).duration(Duration.ofHours(48)).users(200)
                .attacksAfter(Duration.ofHours(24)).generate();
        Instant secondDay = MIDNIGHT.plus(Duration.ofHours(24));
        assertThat(twoDays.events()).filteredOn(e -> twoDays.actors().get(e.request().ip()).isAttacker())
                .isNotEmpty().allSatisfy(e -> assertThat(e.request().timestamp()).isAfterOrEqualTo(secondDay));
        assertThat(twoDays.events()).filteredOn(e -> twoDays.actors().get(e.request().ip()) == Actor.USER)
                .anySatisfy(e -> assertThat(e.request().timestamp()).isBefore(secondDay));
    }

    private long maxPerHour(ClientIp ip) {
        return requestsOf(ip).stream().collect(Collectors.groupingBy(r -> r.timestamp().getEpochSecond() / 3600, Collectors.counting()))
                .values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private double share(Actor actor, Predicate<RequestEvent> which) {
        List<RequestEvent> r = requests(actor);
        return (double) r.stream().filter(which).count() / r.size();
    }

    private List<RequestEvent> requests(Actor actor) {
        return DAY.events().stream().map(EnrichedRequestEvent::request).filter(r -> DAY.actors().get(r.ip()) == actor).toList();
    }

    private List<RequestEvent> requestsOf(ClientIp ip) {
        return DAY.events().stream().map(EnrichedRequestEvent::request).filter(r -> r.ip().equals(ip)).toList();
    }
}
