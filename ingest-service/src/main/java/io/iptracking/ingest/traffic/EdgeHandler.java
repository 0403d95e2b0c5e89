package io.iptracking.ingest.traffic;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.text.SafeText;
import io.iptracking.ingest.edge.EdgeDecision;
import io.iptracking.ingest.edge.EdgePolicy;
import io.iptracking.ingest.edge.EdgeRequest;
import io.iptracking.ingest.edge.EventText;
import io.iptracking.ingest.edge.InvalidRequest;
import io.iptracking.ingest.edge.RequestTarget;
import io.iptracking.ingest.edge.RequestText;
import io.iptracking.ingest.events.EventIds;
import io.iptracking.ingest.events.EventPublisher;
import io.iptracking.ingest.ratelimit.RateLimitHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's request path on the traffic port. It reads the request ({@link RequestReader}: the client
 * IP, the canonical target, checked method, host and headers) and refuses what it cannot understand
 * completely; asks the {@link EdgePolicy}; then refuses (403/429), or in {@code PROXY} mode hands the
 * request to the wrapped proxy handler, or in {@code CHECK} mode answers the calling proxy's
 * forward-auth request. When the exchange is complete it publishes one {@link RequestEvent}. The policy
 * answers asynchronously, so no thread waits on Redis.
 */
public final class EdgeHandler extends Handler.Wrapper {

    /** The {@link EdgeRequest} of an allowed request, for the upstream proxy. */
    private static final String EDGE_REQUEST_ATTRIBUTE = "ipt.edgeRequest";

    private static final Logger log = LoggerFactory.getLogger(EdgeHandler.class);
    private static final byte[] FORBIDDEN = "Forbidden\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOO_MANY = "Too Many Requests\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNKNOWN_CHECK = "unknown check endpoint; use /check/nginx, /check/traefik or /check/envoy/\n"
            .getBytes(StandardCharsets.US_ASCII);
    /** Every method the edge passes on: all but CONNECT. */
    private static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE";

    private final Mode mode;
    private final EdgePolicy policy;
    private final RequestReader reader;
    private final EventPublisher events;
    private final EdgeMetrics metrics;
    private final Clock clock;

    /** @param proxy the upstream proxy in {@code PROXY} mode; null in {@code CHECK} mode */
    public EdgeHandler(Mode mode, EdgePolicy policy, RequestReader reader, EventPublisher events, EdgeMetrics metrics,
            Clock clock, Handler proxy) {
        super(proxy);
        this.mode = mode;
        this.policy = policy;
        this.reader = reader;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        ClientIp peer = peer(request);
        CheckFlavour flavour = null;
        if (mode == Mode.CHECK) {
            if (!reader.mayAsk(peer)) {
                // Nothing of what an untrusted caller sent is read: the event names its address and the
                // check endpoint it asked.
                refuseInvalid(request, response, callback, null, InvalidRequest.Reason.UNTRUSTED_CHECK_CALLER, peer, started);
                return true;
            }
            flavour = CheckFlavour.forPath(String.valueOf(request.getHttpURI().getPath()));
            if (flavour == null) {
                response.setStatus(404);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=us-ascii");
                response.write(true, ByteBuffer.wrap(UNKNOWN_CHECK), callback);
                return true;
            }
        }
        ClientIp address = reader.clientAddress(request, peer);
        EdgeRequest edgeRequest;
        try {
            edgeRequest = reader.read(request, flavour, address);
        } catch (InvalidRequest invalid) {
            refuseInvalid(request, response, callback, flavour, invalid.reason(), address, started);
            return true;
        }
        request.setAttribute(EDGE_REQUEST_ATTRIBUTE, edgeRequest);
        CheckFlavour checkFlavour = flavour;
        policy.decide(edgeRequest).whenComplete((decision, error) -> {
            EdgeDecision d = decision;
            if (error != null) {
                // The policy only fails on a bug; traffic must not pay for it.
                log.error("Edge policy failed for {}; letting the request through", edgeRequest.ip(), error);
                metrics.policyFailed();
                d = EdgeDecision.of(Decision.ALLOWED, null);
            }
            metrics.decided(d, System.nanoTime() - started);
            respond(request, response, callback, edgeRequest, d, checkFlavour, started);
        });
        return true;
    }

    /** The {@link EdgeRequest} the edge decided on, for a request it let through. */
    static EdgeRequest edgeRequest(Request request) {
        return (EdgeRequest) request.getAttribute(EDGE_REQUEST_ATTRIBUTE);
    }

    private void respond(Request request, Response response, Callback callback, EdgeRequest edgeRequest,
            EdgeDecision decision, CheckFlavour flavour, long started) {
        Callback completion = completion(callback, response, started, edgeRequest, decision);
        try {
            addRateLimitHeaders(response, decision);
            if (decision.refused()) {
                refuse(response, decision, flavour, completion);
            } else if (mode == Mode.CHECK || edgeRequest.target() == RequestTarget.ASTERISK) {
                // OPTIONS * asks about the server, not a resource: the edge answers for it.
                response.setStatus(200);
                response.write(true, null, completion);
            } else if (!super.handle(request, response, completion)) {
                Response.writeError(request, response, completion, 404);
            }
        } catch (Throwable t) {
            completion.failed(t);
        }
    }

    private Callback completion(Callback callback, Response response, long started, EdgeRequest edgeRequest,
            EdgeDecision decision) {
        return Callback.from(
                () -> {
                    publish(edgeRequest, decision, response, started);
                    callback.succeeded();
                },
                failure -> {
                    publish(edgeRequest, decision, response, started);
                    callback.failed(failure);
                });
    }

    /**
     * Refuses a request the edge could not read completely, before any rule: counted by reason, answered
     * with the reason's status (in the check dialect's way) and recorded in an event whose strings are
     * the request's own, made printable and cut short.
     */
    private void refuseInvalid(Request request, Response response, Callback callback, CheckFlavour flavour,
            InvalidRequest.Reason reason, ClientIp address, long started) {
        EdgeDecision decision = EdgeDecision.invalid(reason);
        metrics.decided(decision, System.nanoTime() - started);
        EdgeRequest seen = reader.asSeen(request, flavour, address, reason);
        Callback completion = completion(callback, response, started, seen, decision);
        try {
            if (reason == InvalidRequest.Reason.METHOD_NOT_ALLOWED) {
                response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
            }
            // A client that sends what the edge cannot read gets no second chance on this connection.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            refuse(response, decision, flavour, completion);
        } catch (Throwable t) {
            completion.failed(t);
        }
    }

    private void refuse(Response response, EdgeDecision decision, CheckFlavour flavour, Callback completion) {
        Decision outcome = decision.decision();
        int status = flavour != null ? flavour.refusalStatus(decision)
                : outcome == Decision.RATE_LIMITED ? 429 : outcome == Decision.INVALID ? decision.invalid().status() : 403;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=us-ascii");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (outcome == Decision.RATE_LIMITED) {
            response.getHeaders().put(RateLimitHeaders.RETRY_AFTER, RateLimitHeaders.retryAfter(decision.limitOutcome()));
        }
        if (flavour != null) {
            response.getHeaders().put("X-Ipt-Decision", outcome.name());
        }
        response.write(true, ByteBuffer.wrap(body(decision, status)), completion);
    }

    private static byte[] body(EdgeDecision decision, int status) {
        return switch (decision.decision()) {
            case RATE_LIMITED -> TOO_MANY;
            case INVALID -> INVALID_BODIES.get(status);
            default -> FORBIDDEN;
        };
    }

    /** "Bad Request\n" and the like, for every status an invalid request can get. */
    private static final Map<Integer, byte[]> INVALID_BODIES = Stream.concat(
                    Stream.of(InvalidRequest.Reason.values()).map(InvalidRequest.Reason::status), Stream.of(403))
            .distinct()
            .collect(Collectors.toUnmodifiableMap(s -> s,
                    s -> (HttpStatus.getMessage(s) + "\n").getBytes(StandardCharsets.US_ASCII)));

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
            events.publish(new RequestEvent(EventIds.at(received), received, r.ip(), r.method(), r.host(),
                    r.target().eventPath(), mode == Mode.PROXY ? validStatus(response.getStatus()) : null,
                    elapsedNanos / 1_000_000, SafeText.cap(r.userAgent(), RequestText.MAX_EVENT_USER_AGENT),
                    // The subject is a pseudonym (64 hex digits) and the rule a validated name or a list's
                    // CIDR: nothing a client chose, so nothing to escape on every request.
                    d.subject(), d.decision(), d.rule(), mode));
        } catch (RuntimeException e) {
            metrics.eventNotBuilt();
            log.warn("Request event not built: {}", e.toString());
        }
    }

    private static Integer validStatus(int status) {
        return status >= 100 && status <= 599 ? status : null;
    }

    /**
     * Jetty's answer to a request it refused before this handler saw it (a malformed request line or
     * header, a target it cannot parse, headers too large), or to a failure of this handler: counted
     * by status in {@code ipt_edge_requests_unparsed_total}, never logged with a stack trace, and
     * recorded in an event ({@code INVALID}, rule {@code unparsed}) when the client is known: the peer
     * itself, or, behind a trusted proxy, the client its headers name if Jetty got as far as reading them.
     */
    public ErrorHandler unparsedRequests() {
        return new UnparsedRequests();
    }

    private final class UnparsedRequests extends ErrorHandler {

        UnparsedRequests() {
            setShowStacks(false);
            setShowMessageInTitle(false);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (edgeRequest(request) != null) {
                // An error of a request the edge already read and decided (the upstream failed): its
                // own event follows when the exchange completes.
                return super.handle(request, response, callback);
            }
            long started = System.nanoTime();
            metrics.unparsed(response.getStatus());
            ClientIp peer = peer(request);
            boolean attributable = !reader.resolver().isTrusted(peer) || request.getHeaders().size() > 0;
            if (!attributable) {
                return super.handle(request, response, callback);
            }
            EdgeRequest seen = reader.asSeen(request, null, reader.clientAddress(request, peer), InvalidRequest.Reason.UNPARSED);
            return super.handle(request, response, completion(callback, response, started, seen,
                    EdgeDecision.invalid(InvalidRequest.Reason.UNPARSED)));
        }
    }

    /** The socket peer's address. */
    static ClientIp peer(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return ClientIp.of(((InetSocketAddress) remote).getAddress());
    }
}
