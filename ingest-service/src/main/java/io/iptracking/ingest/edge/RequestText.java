package io.iptracking.ingest.edge;

import io.iptracking.common.event.RequestEvent;
import io.iptracking.ingest.edge.InvalidRequest.Reason;
import java.util.Locale;

/**
 * Checks of the request's text fields other than the target: the method, the host and the headers
 * the rules and events read. Whatever passes is safe to log and to publish: bounded, and without
 * control characters.
 */
public final class RequestText {

    /** No registered HTTP method is longer; a longer one is noise meant for the event. */
    public static final int MAX_METHOD = RequestEvent.MAX_METHOD;
    /** A DNS name (253) plus a port. */
    public static final int MAX_HOST = RequestEvent.MAX_HOST;
    /** An event carries at most this much of the User-Agent. */
    public static final int MAX_EVENT_USER_AGENT = RequestEvent.MAX_USER_AGENT;

    private RequestText() {
    }

    /**
     * The method in upper case, as rules match it: clients and servers that treat {@code post} as
     * {@code POST} must not get past a rule for {@code POST}.
     *
     * @throws InvalidRequest if it is not an HTTP token of at most {@link #MAX_METHOD} characters
     */
    public static String method(String method) {
        if (method == null || method.isEmpty() || method.length() > MAX_METHOD) {
            throw new InvalidRequest(Reason.BAD_METHOD, "method missing or too long");
        }
        for (int i = 0; i < method.length(); i++) {
            if (!isTokenChar(method.charAt(i))) {
                throw new InvalidRequest(Reason.BAD_METHOD, "method is not a token");
            }
        }
        return method.toUpperCase(Locale.ROOT);
    }

    /**
     * A Host header as received (null when absent, as in HTTP/1.0).
     *
     * @throws InvalidRequest unless it is a host name or address with an optional port, at most
     *     {@link #MAX_HOST} characters
     */
    public static String host(String host) {
        if (host != null && !isHost(host)) {
            throw new InvalidRequest(Reason.BAD_HOST, "Host is not a host name or address with an optional port");
        }
        return host;
    }

    /**
     * Whether a value is a URI authority without user info (RFC 3986 {@code host [ ":" port ]}): a
     * registered name, an IPv4 address or a bracketed IPv6 literal, and a port of up to 5 digits.
     */
    public static boolean isHost(String host) {
        if (host.isEmpty() || host.length() > MAX_HOST) {
            return false;
        }
        int portColon;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(isHex(c) || c == ':' || c == '.')) {
                    return false;
                }
            }
            portColon = close + 1;
            if (portColon < host.length() && host.charAt(portColon) != ':') {
                return false;
            }
        } else {
            portColon = host.indexOf(':');
            int end = portColon < 0 ? host.length() : portColon;
            if (end == 0) {
                return false;
            }
            for (int i = 0; i < end; i++) {
                char c = host.charAt(i);
                if (!(isAlphaNumeric(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
                    return false;
                }
            }
        }
        if (portColon < 0 || portColon >= host.length()) {
            return true;
        }
        int digits = host.length() - portColon - 1;
        if (digits < 1 || digits > 5) {
            return false;
        }
        for (int i = portColon + 1; i < host.length(); i++) {
            if (host.charAt(i) < '0' || host.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A header value the edge reads and passes on (User-Agent, Authorization), as received.
     *
     * @throws InvalidRequest if it holds a control character or a Unicode line or paragraph separator
     */
    public static String headerValue(String value) {
        if (value != null) {
            for (int i = 0; i < value.length(); i++) {
                if (RequestTarget.isControl(value.charAt(i))) {
                    throw new InvalidRequest(Reason.BAD_HEADER, "control character in a header the edge reads");
                }
            }
        }
        return value;
    }

    private static boolean isTokenChar(char c) {
        return isAlphaNumeric(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isAlphaNumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
