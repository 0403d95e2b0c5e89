package io.iptracking.ingest.traffic;

import io.iptracking.ingest.edge.EdgeDecision;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The forward-auth dialects the edge answers in {@code CHECK} mode, one path prefix each. Every
 * dialect carries the original request in different headers, and nginx only understands 2xx, 401
 * and 403 from an auth subrequest, so a rate-limit refusal is a 403 with {@code X-Ipt-Decision} and
 * {@code Retry-After} that the nginx example turns into a 429 for the client.
 */
enum CheckFlavour {

    /** nginx {@code auth_request}: the example config sets {@code X-Original-Method}, {@code -URI} and {@code -Host}. */
    NGINX("/check/nginx") {
        @Override
        OriginalRequest read(Request request) {
            return new OriginalRequest(header(request, "X-Original-Method", null), header(request, "X-Original-URI", null),
                    header(request, "X-Original-Host", host(request)));
        }

        @Override
        int refusalStatus(EdgeDecision decision) {
            return 403;
        }
    },

    /** Traefik {@code ForwardAuth}: sends {@code X-Forwarded-Method}, {@code -Host} and {@code -Uri}. */
    TRAEFIK("/check/traefik") {
        @Override
        OriginalRequest read(Request request) {
            return new OriginalRequest(header(request, "X-Forwarded-Method", null), header(request, "X-Forwarded-Uri", null),
                    header(request, "X-Forwarded-Host", host(request)));
        }
    },

    /** Envoy {@code ext_authz} (HTTP service): original method, {@code path_prefix} + original path. */
    ENVOY("/check/envoy") {
        @Override
        OriginalRequest read(Request request) {
            String target = request.getHttpURI().getPathQuery();
            String original = target.length() > prefix().length() ? target.substring(prefix().length()) : "/";
            return new OriginalRequest(request.getMethod(), original, host(request));
        }
    };

    private final String prefix;

    CheckFlavour(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    abstract OriginalRequest read(Request request);

    /**
     * The status a refusal gets: 403 for blocks, 429 for rate limits and the invalid request's own status
     * where the dialect passes it to the client.
     */
    int refusalStatus(EdgeDecision decision) {
        return switch (decision.decision()) {
            case RATE_LIMITED -> 429;
            case INVALID -> decision.invalid().status();
            default -> 403;
        };
    }

    static CheckFlavour forPath(String path) {
        for (CheckFlavour f : values()) {
            if (path.equals(f.prefix) || path.startsWith(f.prefix + "/")) {
                return f;
            }
        }
        return null;
    }

    static String host(Request request) {
        return request.getHeaders().get(HttpHeader.HOST);
    }

    private static String header(Request request, String name, String otherwise) {
        String value = request.getHeaders().get(name);
        return value == null || value.isEmpty() ? otherwise : value;
    }

    /**
     * Method, raw URI (path and query) and host of the request being decided, not yet checked. Method
     * and URI are null when the proxy did not send them: the edge would then decide on another request
     * than the one the proxy forwards, so the check is refused ({@code missing-check-header}).
     */
    record OriginalRequest(String method, String uri, String host) {
    }
}
