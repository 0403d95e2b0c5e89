package io.iptracking.ingest.traffic;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.edge.EdgeDecision;
import io.iptracking.ingest.edge.EdgePolicy;
import io.iptracking.ingest.edge.EdgeRequest;
import io.iptracking.ingest.edge.RequestPath;
import io.iptracking.ingest.events.EventIds;
import io.iptracking.ingest.events.EventPublisher;
import io.iptracking.ingest.ip.ClientIpResolver;
import io.iptracking.ingest.ip.ForwardedHeader;
import io.iptracking.ingest.ratelimit.RateLimitHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's request path on the traffic port. It resolves the client IP, asks the {@link EdgePolicy},
 * then refuses (403/429), or in {@code PROXY} mode hands the request to the wrapped proxy handler, or in
 * {@code CHECK} mode answers the calling proxy's forward-auth request. When the exchange is complete it
 * publishes one {@link RequestEvent}. The policy answers asynchronously, so no thread waits on Redis.
 */
public final class EdgeHandler extends Handler.Wrapper {

    /** The resolved client IP, for the proxy's {@code X-Real-IP}. */
    static final String CLIENT_IP_ATTRIBUTE = "ipt.clientIp";

    private static final Logger log = LoggerFactory.getLogger(EdgeHandler.class);
    private static final byte[] FORBIDDEN = "Forbidden\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOO_MANY = "Too Many Requests\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_USER_AGENT = 512;

    private final Mode mode;
    private final EdgePolicy policy;
    private final ClientIpResolver resolver;
    private final String forwardedHeaderName;
    private final EventPublisher events;
    private final EdgeMetrics metrics;
    private final Clock clock;

    /** @param proxy the upstream proxy in {@code PROXY} mode; null in {@code CHECK} mode */
    public EdgeHandler(Mode mode, EdgePolicy policy, ClientIpResolver resolver, EventPublisher events,
            EdgeMetrics metrics, Clock clock, Handler proxy) {
        super(proxy);
        this.mode = mode;
        this.policy = policy;
        this.resolver = resolver;
        this.forwardedHeaderName = resolver.header() == ForwardedHeader.FORWARDED ? "Forwarded" : "X-Forwarded-For";
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        CheckFlavour flavour = null;
        String method = request.getMethod();
        String uri = request.getHttpURI().getPathQuery();
        String host = CheckFlavour.host(request);
        if (mode == Mode.CHECK) {
            flavour = CheckFlavour.forPath(request.getHttpURI().getPath());
            if (flavour == null) {
                Response.writeError(request, response, callback, 404, "unknown check endpoint; use /check/nginx, /check/traefik or /check/envoy/");
                return true;
            }
            CheckFlavour.OriginalRequest original = flavour.read(request);
            method = original.method().toUpperCase(Locale.ROOT);
            uri = original.uri();
            host = original.host();
        }
        ClientIp ip = resolver.resolve(peer(request), request.getHeaders().getValuesList(forwardedHeaderName));
        request.setAttribute(CLIENT_IP_ATTRIBUTE, ip);
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        EdgeRequest edgeRequest = new EdgeRequest(ip, method, host, RequestPath.normalize(uri),
                request.getHeaders().get(HttpHeader.AUTHORIZATION),
                userAgent != null && userAgent.length() > MAX_USER_AGENT ? userAgent.substring(0, MAX_USER_AGENT) : userAgent);
        CheckFlavour checkFlavour = flavour;
        policy.decide(edgeRequest).whenComplete((decision, error) -> {
            EdgeDecision d = decision;
            if (error != null) {
                // The policy only fails on a bug; traffic must not pay for it.
                log.error("Edge policy failed for {}; letting the request through", ip, error);
                metrics.policyFailed();
                d = new EdgeDecision(Decision.ALLOWED, null, null, null, null, false);
            }
            metrics.decided(d, System.nanoTime() - started);
            respond(request, response, callback, edgeRequest, d, checkFlavour, started);
        });
        return true;
    }

    private void respond(Request request, Response response, Callback callback, EdgeRequest edgeRequest,
            EdgeDecision decision, CheckFlavour flavour, long started) {
        Callback completion = Callback.from(
                () -> {
                    publish(edgeRequest, decision, response, started);
                    callback.succeeded();
                },
                failure -> {
                    publish(edgeRequest, decision, response, started);
                    callback.failed(failure);
                });
        try {
            addRateLimitHeaders(response, decision);
            if (decision.refused()) {
                refuse(response, decision, flavour, completion);
            } else if (mode == Mode.CHECK) {
                response.setStatus(200);
                response.write(true, null, completion);
            } else if (!super.handle(request, response, completion)) {
                Response.writeError(request, response, completion, 404);
            }
        } catch (Throwable t) {
            completion.failed(t);
        }
    }

    private void refuse(Response response, EdgeDecision decision, CheckFlavour flavour, Callback completion) {
        boolean limited = decision.decision() == Decision.RATE_LIMITED;
        int status = flavour != null ? flavour.refusalStatus(decision) : limited ? 429 : 403;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=us-ascii");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (limited) {
            response.getHeaders().put(RateLimitHeaders.RETRY_AFTER, RateLimitHeaders.retryAfter(decision.limitOutcome()));
        }
        if (flavour != null) {
            response.getHeaders().put("X-Ipt-Decision", decision.decision().name());
        }
        response.write(true, ByteBuffer.wrap(limited ? TOO_MANY : FORBIDDEN), completion);
    }

    private static void addRateLimitHeaders(Response response, EdgeDecision decision) {
        if (decision.limitRule() != null && decision.limitOutcome() != null) {
            response.getHeaders().put(RateLimitHeaders.POLICY, RateLimitHeaders.policy(decision.limitRule(), decision.limitOutcome()));
            response.getHeaders().put(RateLimitHeaders.RATE_LIMIT, RateLimitHeaders.rateLimit(decision.limitRule(), decision.limitOutcome()));
        }
    }

    private void publish(EdgeRequest r, EdgeDecision d, Response response, long started) {
        long elapsedNanos = System.nanoTime() - started;
        try {
            // The event's time is when the request arrived (a slow upstream must not move it in the
            // detection windows): the wall clock now, less the monotonic time the request took.
            Instant received = clock.instant().minusNanos(elapsedNanos);
            // In CHECK mode the edge answers the proxy right after deciding: the latency is the decision's.
            events.publish(new RequestEvent(EventIds.at(received), received, r.ip(), r.method(), r.host(), r.path(),
                    mode == Mode.PROXY ? validStatus(response.getStatus()) : null, elapsedNanos / 1_000_000,
                    r.userAgent(), d.subject(), d.decision(), d.rule(), mode));
        } catch (RuntimeException e) {
            metrics.eventNotBuilt();
            log.warn("Request event not built: {}", e.toString());
        }
    }

    private static Integer validStatus(int status) {
        return status >= 100 && status <= 599 ? status : null;
    }

    private static ClientIp peer(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return ClientIp.of(((InetSocketAddress) remote).getAddress());
    }
}
