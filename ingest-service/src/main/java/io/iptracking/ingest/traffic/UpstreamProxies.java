package io.iptracking.ingest.traffic;

import io.iptracking.common.event.Mode;
import io.iptracking.ingest.ip.ClientIpResolver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Handler;

/** Builds what the edge hands allowed requests to: the upstream proxy, or nothing in check mode. */
public final class UpstreamProxies {

    private UpstreamProxies() {
    }

    /**
     * @param stripHeaders headers never passed on to the upstream
     * @param writeForwarded whether the upstream also gets an RFC 7239 {@code Forwarded} header
     */
    public static Handler forMode(Mode mode, URI upstream, Duration connectTimeout, Duration responseTimeout, int maxConnections,
            ClientIpResolver resolver, List<String> stripHeaders, boolean writeForwarded) {
        if (mode == Mode.CHECK) {
            return null;
        }
        if (upstream.getHost() == null || !("http".equals(upstream.getScheme()) || "https".equals(upstream.getScheme()))) {
            throw new IllegalArgumentException("ingest.upstream.url must be an http(s) URL with a host, was " + upstream);
        }
        return new UpstreamProxy(upstream, connectTimeout, responseTimeout, maxConnections, resolver, stripHeaders,
                writeForwarded);
    }
}
