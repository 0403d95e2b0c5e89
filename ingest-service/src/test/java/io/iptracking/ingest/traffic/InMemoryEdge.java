package io.iptracking.ingest.traffic;

import io.github.bucket4j.TimeMeter;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.Cidr;
import io.iptracking.ingest.edge.EdgePolicy;
import io.iptracking.ingest.ip.ClientIpResolver;
import io.iptracking.ingest.ip.EmbeddedIpv4;
import io.iptracking.ingest.ip.ForwardedHeader;
import io.iptracking.ingest.lists.ClientLists;
import io.iptracking.ingest.ratelimit.Enforcement;
import io.iptracking.ingest.ratelimit.FailMode;
import io.iptracking.ingest.ratelimit.LocalRateLimiter;
import io.iptracking.ingest.ratelimit.RateLimitRule;
import io.iptracking.ingest.ratelimit.RateLimitRules;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real traffic server and edge handler with in-memory lists and buckets, for tests of the HTTP
 * behaviour alone: 127.0.0.1 is the trusted proxy, and {@code /login} and {@code /admin/**} allow 2
 * anonymous requests per minute.
 */
final class InMemoryEdge implements AutoCloseable {

    final ClientLists lists = new ClientLists();
    final List<RequestEvent> events = new CopyOnWriteArrayList<>();
    final TrafficServer server;

    InMemoryEdge(Mode mode, String upstreamUrl, Duration responseTimeout, Clock clock) {
        RateLimitRule sensitive = new RateLimitRule("sensitive", List.of("/login", "/admin/**"), Set.of(), 2, 4, null,
                Duration.ofMinutes(1), Enforcement.ENFORCE, FailMode.OPEN);
        EdgePolicy policy = new EdgePolicy(lists, new RateLimitRules(List.of(sensitive)),
                new LocalRateLimiter(1000, Duration.ofMinutes(5), TimeMeter.SYSTEM_MILLISECONDS), null, null, clock,
                TimeMeter.SYSTEM_NANOTIME);
        ClientIpResolver resolver = new ClientIpResolver(List.of(Cidr.parse("127.0.0.1/32")), ForwardedHeader.X_FORWARDED_FOR, 20);
        EdgeMetrics metrics = new EdgeMetrics(new SimpleMeterRegistry());
        EdgeHandler handler = new EdgeHandler(mode, policy, new RequestReader(resolver, EmbeddedIpv4.DEFAULT, 8192, 100, false),
                events::add, metrics, clock, UpstreamProxies.forMode(mode, URI.create(upstreamUrl), Duration.ofSeconds(1),
                        responseTimeout, 64, resolver, List.of("X-Real-IP", "Forwarded"), false));
        server = new TrafficServer("127.0.0.1", 0, handler, 16 * 1024, handler.unparsedRequests());
        server.start();
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
