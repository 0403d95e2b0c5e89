package io.iptracking.ingest.traffic;

import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.edge.RequestText;
import io.iptracking.ingest.ip.ClientIpResolver;
import io.iptracking.ingest.ip.ForwardedHeader;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The forwarding headers the upstream receives, all written by the edge from what it knows; whatever
 * the request carried under these names is dropped first ({@code ingest.upstream.strip-headers}).
 *
 * <ul>
 *   <li>{@code X-Forwarded-For}: from a trusted proxy, the chain it handed over (all header lines
 *       joined, its rightmost {@code max-hops} elements, addresses in canonical form) and then the
 *       proxy's own address; from anyone else, the peer's address alone.</li>
 *   <li>{@code X-Forwarded-Proto}: {@code https} or {@code http} as a trusted proxy says (it may
 *       terminate TLS); otherwise how the client reached the edge, never the scheme the request target
 *       names.</li>
 *   <li>{@code X-Forwarded-Host}: the host a trusted proxy says, if it is a valid host; otherwise the
 *       request's Host.</li>
 *   <li>{@code X-Real-IP}: the client IP the edge decided on.</li>
 *   <li>{@code Forwarded} (RFC 7239, when configured): the same chain as {@code for=} elements, then the
 *       edge's own element with the peer, host and protocol.</li>
 * </ul>
 */
record ForwardingHeaders(String xForwardedFor, String xForwardedProto, String xForwardedHost, String xRealIp,
        String forwarded) {

    static final String X_REAL_IP = "X-Real-IP";

    /**
     * @param peer the socket peer
     * @param secure whether the client reached the edge over TLS
     * @param host the request's Host header, already checked; null when it had none
     * @param headers the request's headers, before any is dropped
     * @param client the client IP the edge decided on
     */
    static ForwardingHeaders of(ClientIpResolver resolver, boolean writeForwarded, ClientIp peer, boolean secure,
            String host, HttpFields headers, ClientIp client) {
        String proto = secure ? "https" : "http";
        String forwardedHost = host;
        List<String> chain = List.of();
        if (resolver.isTrusted(peer)) {
            String claimedProto;
            String claimedHost;
            if (resolver.header() == ForwardedHeader.FORWARDED) {
                List<String> lines = headers.getValuesList(HttpHeader.FORWARDED);
                chain = resolver.chain(lines);
                String nearest = lastElement(lines);
                claimedProto = nearest == null ? null : ClientIpResolver.parameter(nearest, "proto");
                claimedHost = nearest == null ? null : ClientIpResolver.parameter(nearest, "host");
            } else {
                chain = resolver.chain(headers.getValuesList(HttpHeader.X_FORWARDED_FOR));
                claimedProto = lastElement(headers.getValuesList(HttpHeader.X_FORWARDED_PROTO));
                claimedHost = lastElement(headers.getValuesList(HttpHeader.X_FORWARDED_HOST));
            }
            if (claimedProto != null && (claimedProto.equalsIgnoreCase("https") || claimedProto.equalsIgnoreCase("http"))) {
                proto = claimedProto.toLowerCase(Locale.ROOT);
            }
            if (claimedHost != null && RequestText.isHost(claimedHost)) {
                forwardedHost = claimedHost;
            }
        }
        String peerText = peer.toString();
        String xForwardedFor = chain.isEmpty() ? peerText : String.join(", ", chain) + ", " + peerText;
        String forwarded = writeForwarded ? forwarded(chain, peer, forwardedHost, proto) : null;
        return new ForwardingHeaders(xForwardedFor, proto, forwardedHost, client.toString(), forwarded);
    }

    private static String forwarded(List<String> chain, ClientIp peer, String host, String proto) {
        StringBuilder out = new StringBuilder();
        for (String node : chain) {
            out.append("for=").append(forNode(node)).append(", ");
        }
        out.append("for=").append(forNode(peer.toString()));
        if (host != null) {
            // A checked host holds no quote or backslash, so quoting it needs no escapes.
            out.append(";host=\"").append(host).append('"');
        }
        return out.append(";proto=").append(proto).toString();
    }

    /** RFC 7239 section 6: an IPv6 node is bracketed and quoted, since ':' is not a token character. */
    private static String forNode(String node) {
        return node.indexOf(':') >= 0 ? "\"[" + node + "]\"" : node;
    }

    /** The rightmost comma-separated element of the last line (the one the nearest proxy wrote), or null if blank. */
    private static String lastElement(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        String line = lines.getLast();
        String element = line.substring(line.lastIndexOf(',') + 1).strip();
        return element.isEmpty() ? null : element;
    }
}
