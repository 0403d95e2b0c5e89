package io.iptracking.ingest.traffic;

import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.edge.EdgeRequest;
import io.iptracking.ingest.ip.ClientIpResolver;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;

/**
 * Forwards a request to the upstream application with Jetty's asynchronous reverse proxy, which
 * streams bodies both ways and answers 502 when the upstream fails and 504 when it does not answer in
 * time. The upstream receives the canonical path the rules matched ({@link EdgeRequest#target()}),
 * never the client's spelling of it; the request's headers except hop-by-hop ones and the forwarding
 * headers the edge does not believe ({@code ingest.upstream.strip-headers}); and the forwarding
 * headers the edge writes itself ({@link ForwardingHeaders}). Jetty's client adds no User-Agent, so
 * the one the upstream sees is the client's.
 */
final class UpstreamProxy extends ProxyHandler.Reverse {

    /** Hop-by-hop headers (RFC 9110 section 7.6.1), as Jetty's own copy drops them. */
    private static final Set<HttpHeader> HOP_BY_HOP = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_AUTHORIZATION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_CONNECTION,
            HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE);

    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final int maxConnections;
    private final ClientIpResolver resolver;
    private final boolean writeForwarded;
    /** Lower-case names of the headers never copied: the configured list and those the edge writes. */
    private final Set<String> dropped;

    UpstreamProxy(URI upstream, Duration connectTimeout, Duration responseTimeout, int maxConnections,
            ClientIpResolver resolver, List<String> stripHeaders, boolean writeForwarded) {
        super(request -> HttpURI.build(request.getHttpURI())
                .scheme(upstream.getScheme())
                .host(upstream.getHost())
                .port(upstream.getPort())
                .pathQuery(join(upstream.getRawPath(), EdgeHandler.edgeRequest(request).target().forwardedPathQuery())));
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.maxConnections = maxConnections;
        this.resolver = resolver;
        this.writeForwarded = writeForwarded;
        Set<String> names = new HashSet<>();
        for (String name : stripHeaders) {
            names.add(name.strip().toLowerCase(Locale.ROOT));
        }
        for (String written : List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
                ForwardingHeaders.X_REAL_IP)) {
            names.add(written.toLowerCase(Locale.ROOT));
        }
        this.dropped = Set.copyOf(names);
        // One pool for the traffic server and the upstream client: on a few cores, fewer threads
        // means fewer context switches (deploy/bench/edge-benchmark.sh measured ~10% less CPU per
        // proxied request together with the invocation type below).
        setUseServerThreadPool(true);
    }

    /**
     * Non-blocking: every step is asynchronous (the edge policy answers with a future, events are
     * only queued, the client sends and streams without waiting), so Jetty may run a request on the
     * thread that read it instead of handing it to another thread first, as it already does in
     * {@code CHECK} mode, where the edge handler wraps nothing.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    private static String join(String base, String pathQuery) {
        if (base == null || base.isEmpty() || base.equals("/")) {
            return pathQuery;
        }
        return base.endsWith("/") ? base + pathQuery.substring(1) : base + pathQuery;
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setMaxConnectionsPerDestination(maxConnections);
        client.setIdleTimeout(Duration.ofSeconds(30).toMillis());
        // The client's own User-Agent would come before the client's one: the upstream must see one.
        client.setUserAgentField(null);
        // The proxy's response listeners only write asynchronously to the client (see
        // getInvocationType), so the selector may run them itself instead of first handing
        // selection over to a reserved thread.
        client.getTransport().setInvocationType(InvocationType.NON_BLOCKING);
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        return super.newProxyToServerRequest(clientToProxyRequest, newHttpURI)
                .timeout(responseTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void copyRequestHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        Set<String> connectionListed = null;
        for (HttpField field : clientToProxyRequest.getHeaders()) {
            if (field.getHeader() == HttpHeader.CONNECTION) {
                for (String name : field.getValues()) {
                    if (connectionListed == null) {
                        connectionListed = new HashSet<>();
                    }
                    connectionListed.add(name.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        Set<String> alsoDropped = connectionListed;
        proxyToServerRequest.headers(headers -> {
            for (HttpField field : clientToProxyRequest.getHeaders()) {
                String name = field.getLowerCaseName();
                if (HOP_BY_HOP.contains(field.getHeader()) || dropped.contains(name)
                        || (alsoDropped != null && alsoDropped.contains(name))) {
                    continue;
                }
                headers.add(field);
            }
        });
    }

    @Override
    protected void addForwardedHeader(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        EdgeRequest edgeRequest = EdgeHandler.edgeRequest(clientToProxyRequest);
        ClientIp peer = EdgeHandler.peer(clientToProxyRequest);
        // How the client reached the edge, not the scheme an absolute-form target names (Request.isSecure()).
        boolean secure = clientToProxyRequest.getConnectionMetaData().isSecure();
        ForwardingHeaders forwarding = ForwardingHeaders.of(resolver, writeForwarded, peer, secure,
                edgeRequest.host(), clientToProxyRequest.getHeaders(), edgeRequest.ip());
        proxyToServerRequest.headers(headers -> {
            headers.put(HttpHeader.X_FORWARDED_FOR, forwarding.xForwardedFor());
            headers.put(HttpHeader.X_FORWARDED_PROTO, forwarding.xForwardedProto());
            if (forwarding.xForwardedHost() != null) {
                headers.put(HttpHeader.X_FORWARDED_HOST, forwarding.xForwardedHost());
            }
            headers.put(ForwardingHeaders.X_REAL_IP, forwarding.xRealIp());
            if (forwarding.forwarded() != null) {
                headers.put(HttpHeader.FORWARDED, forwarding.forwarded());
            }
        });
    }
}
