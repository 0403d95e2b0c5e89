package io.iptracking.ingest.traffic;

import io.iptracking.common.ip.ClientIp;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;

/**
 * Forwards a request to the upstream application with Jetty's asynchronous reverse proxy, which
 * streams bodies both ways, drops hop-by-hop headers, and answers 502 when the upstream fails and
 * 504 when it does not answer in time. The edge adds {@code X-Forwarded-For} (the chain plus the
 * socket peer), {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Real-IP} (the client
 * IP the edge resolved), so the application can trust the edge as its one proxy.
 */
final class UpstreamProxy extends ProxyHandler.Reverse {

    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final int maxConnections;

    UpstreamProxy(URI upstream, Duration connectTimeout, Duration responseTimeout, int maxConnections) {
        super(request -> HttpURI.build(request.getHttpURI())
                .scheme(upstream.getScheme())
                .host(upstream.getHost())
                .port(upstream.getPort())
                .path(join(upstream.getRawPath(), request.getHttpURI().getPath())));
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.maxConnections = maxConnections;
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

    private static String join(String base, String path) {
        if (base == null || base.isEmpty() || base.equals("/")) {
            return path;
        }
        return base.endsWith("/") ? base + path.substring(1) : base + path;
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setMaxConnectionsPerDestination(maxConnections);
        client.setIdleTimeout(Duration.ofSeconds(30).toMillis());
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
    protected void addForwardedHeader(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        String peer = Request.getRemoteAddr(clientToProxyRequest);
        String chain = clientToProxyRequest.getHeaders().get(HttpHeader.X_FORWARDED_FOR);
        ClientIp client = (ClientIp) clientToProxyRequest.getAttribute(EdgeHandler.CLIENT_IP_ATTRIBUTE);
        proxyToServerRequest.headers(headers -> {
            headers.put(HttpHeader.X_FORWARDED_FOR, chain == null || chain.isBlank() ? peer : chain + ", " + peer);
            headers.put(HttpHeader.X_FORWARDED_PROTO, clientToProxyRequest.getHttpURI().getScheme());
            String host = clientToProxyRequest.getHeaders().get(HttpHeader.HOST);
            if (host != null) {
                headers.put(HttpHeader.X_FORWARDED_HOST, host);
            }
            if (client != null) {
                headers.put("X-Real-IP", client.toString());
            }
        });
    }
}
