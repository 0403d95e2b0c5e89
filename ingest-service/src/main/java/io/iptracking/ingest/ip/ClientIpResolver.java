package io.iptracking.ingest.ip;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.InvalidIpException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds the real client IP of a request. The socket peer is the client unless it is a trusted proxy;
 * then the forwarding chain is walked from the right (the entry the nearest proxy appended), skipping
 * trusted proxies, and the first untrusted address is the client.
 *
 * <p>Only entries appended by trusted proxies are believed, so a client can never choose its own IP:
 * anything it wrote sits to the left of the first untrusted hop and is never reached. An entry that is
 * not an address ({@code unknown}, an obfuscated identifier, garbage) ends the walk, and the nearest
 * hop known so far is the answer. Only the rightmost {@code maxHops} entries are read, so an overlong
 * header costs bounded work.
 */
public final class ClientIpResolver {

    private final List<Cidr> trustedProxies;
    private final ForwardedHeader header;
    private final int maxHops;

    public ClientIpResolver(List<Cidr> trustedProxies, ForwardedHeader header, int maxHops) {
        if (maxHops < 1) {
            throw new IllegalArgumentException("maxHops must be at least 1, was " + maxHops);
        }
        this.trustedProxies = List.copyOf(trustedProxies);
        this.header = header;
        this.maxHops = maxHops;
    }

    /** Which header this resolver reads the chain from. */
    public ForwardedHeader header() {
        return header;
    }

    /**
     * @param peer the socket peer address
     * @param headerValues every value of the configured forwarding header, in the order received
     *     (several header lines form one comma-separated list)
     */
    public ClientIp resolve(ClientIp peer, List<String> headerValues) {
        ClientIp current = peer;
        int hops = 0;
        for (int v = headerValues.size() - 1; v >= 0 && isTrusted(current); v--) {
            String value = headerValues.get(v);
            int end = value.length();
            while (isTrusted(current)) {
                if (hops++ == maxHops) {
                    return current;
                }
                int comma = value.lastIndexOf(',', end - 1);
                ClientIp hop = parseHop(value.substring(comma + 1, end));
                if (hop == null) {
                    return current;
                }
                current = hop;
                if (comma < 0) {
                    break;
                }
                end = comma;
            }
        }
        return current;
    }

    /**
     * The chain's rightmost {@code maxHops} elements, left to right, as the edge passes them on: an
     * address in canonical form, an obfuscated identifier ({@code unknown}, {@code _hidden}) as it is,
     * anything else as {@code unknown}. Elements further left were written by whoever sent the request
     * first and are dropped, so the cost of passing a chain on is bounded too.
     */
    public List<String> chain(List<String> headerValues) {
        ArrayDeque<String> nodes = new ArrayDeque<>();
        int examined = 0;
        for (int v = headerValues.size() - 1; v >= 0 && examined < maxHops; v--) {
            String value = headerValues.get(v);
            int end = value.length();
            while (examined++ < maxHops) {
                int comma = value.lastIndexOf(',', end - 1);
                String element = value.substring(comma + 1, end);
                if (!element.isBlank()) {
                    nodes.addFirst(render(element));
                }
                if (comma < 0) {
                    break;
                }
                end = comma;
            }
        }
        return List.copyOf(nodes);
    }

    private String render(String element) {
        String node = header == ForwardedHeader.FORWARDED ? forParameter(element) : element.strip();
        if (node == null) {
            return UNKNOWN;
        }
        ClientIp ip = parseNode(node);
        if (ip != null) {
            return ip.toString();
        }
        return OBFUSCATED.matcher(node).matches() ? node : UNKNOWN;
    }

    private static final String UNKNOWN = "unknown";
    /** RFC 7239 section 6.3: an obfuscated identifier is an underscore and letters, digits, '.', '_', '-'. */
    private static final Pattern OBFUSCATED = Pattern.compile("unknown|_[A-Za-z0-9._-]{1,64}");

    /** Whether this address is one of the configured trusted proxies. */
    public boolean isTrusted(ClientIp ip) {
        for (Cidr proxy : trustedProxies) {
            if (proxy.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** One list element as an address, or null when it names no usable address. */
    private ClientIp parseHop(String element) {
        String node = header == ForwardedHeader.FORWARDED ? forParameter(element) : element.strip();
        if (node == null) {
            return null;
        }
        return parseNode(node);
    }

    /**
     * A node as proxies write it: a bare address, {@code 1.2.3.4:port}, {@code [v6]} or {@code [v6]:port}.
     * Ports say nothing about the client and are dropped.
     */
    static ClientIp parseNode(String node) {
        String address = node;
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            if (close < 0 || !(close == node.length() - 1 || isPort(node, close + 1))) {
                return null;
            }
            address = node.substring(1, close);
        } else if (node.indexOf(':') == node.lastIndexOf(':') && node.indexOf(':') > 0) {
            int colon = node.indexOf(':');
            if (!isPort(node, colon)) {
                return null;
            }
            address = node.substring(0, colon);
        }
        if (!looksLikeAnAddress(address)) {
            // Garbage ends here, without the cost of a parse that throws.
            return null;
        }
        try {
            return ClientIp.parse(address);
        } catch (InvalidIpException e) {
            return null;
        }
    }

    /** Only hex digits, ':' and '.', as every IPv4 and IPv6 literal (without zone) is written. */
    private static boolean looksLikeAnAddress(String address) {
        if (address.isEmpty() || address.length() > 45) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPort(String node, int colon) {
        if (colon >= node.length() - 1 || node.charAt(colon) != ':' || node.length() - colon - 1 > 5) {
            return false;
        }
        for (int i = colon + 1; i < node.length(); i++) {
            if (node.charAt(i) < '0' || node.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The {@code for} parameter of one RFC 7239 forwarded-element, unquoted; null if absent or malformed. */
    static String forParameter(String element) {
        return parameter(element, "for");
    }

    /**
     * A parameter ({@code for}, {@code host}, {@code proto}, {@code by}) of one RFC 7239 forwarded-element,
     * unquoted; null if absent or malformed.
     */
    public static String parameter(String element, String name) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            if (!pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals(name)) {
                continue;
            }
            String value = pair.substring(eq + 1).strip();
            if (value.startsWith("\"")) {
                if (value.length() < 2 || !value.endsWith("\"")) {
                    return null;
                }
                value = value.substring(1, value.length() - 1).replace("\\", "");
            }
            return value;
        }
        return null;
    }
}
