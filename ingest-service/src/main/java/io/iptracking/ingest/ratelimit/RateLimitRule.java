package io.iptracking.ingest.ratelimit;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * One rate-limit rule: which requests it counts (path patterns such as {@code /admin/**}, methods;
 * empty methods = all, and a rule for {@code GET} counts {@code HEAD} too, since servers answer it
 * alike) and how many per period: for anonymous clients (keyed by IP, IPv6 by its /64, since one host
 * usually holds a whole /64); for authenticated clients (keyed by subject, so the limit follows a
 * user across IPs); and for all authenticated clients of one IP together ({@code authenticatedIpLimit},
 * by default three times the authenticated limit), so that one IP with many accounts does not get
 * many allowances.
 */
public record RateLimitRule(
        String name,
        List<String> paths,
        Set<String> methods,
        long anonymousLimit,
        long authenticatedLimit,
        Long authenticatedIpLimit,
        Duration period,
        Enforcement enforcement,
        FailMode failMode) {

    /** IPv6 clients are counted per /64: one subscriber usually holds the whole prefix. */
    static final int IPV6_CLIENT_PREFIX = 64;

    /** The authenticated clients of one IP together get this many times one client's limit, unless configured. */
    static final long DEFAULT_AUTHENTICATED_IP_FACTOR = 3;

    public RateLimitRule {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException(
                    "a rule name must be 1-64 letters, digits, '-' or '_' (it appears in headers and keys), was '" + name + "'");
        }
        if (paths == null || paths.isEmpty()) {
            throw new IllegalArgumentException("rule '" + name + "' needs at least one path pattern");
        }
        paths = paths.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        methods = methods == null ? Set.of()
                : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (authenticatedIpLimit == null) {
            authenticatedIpLimit = Math.multiplyExact(authenticatedLimit, DEFAULT_AUTHENTICATED_IP_FACTOR);
        }
        new Limit(anonymousLimit, period, FailMode.OPEN);
        new Limit(authenticatedLimit, period, FailMode.OPEN);
        new Limit(authenticatedIpLimit, period, FailMode.OPEN);
        Objects.requireNonNull(enforcement, "enforcement");
        Objects.requireNonNull(failMode, "failMode");
        for (String p : paths) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("rule '" + name + "': path pattern '" + p + "' must start with '/'");
            }
            PathPatternParser.defaultInstance.parse(p);
        }
    }

    /** The limit that applies to a client. */
    public Limit limit(boolean authenticated) {
        return new Limit(authenticated ? authenticatedLimit : anonymousLimit, period, failMode);
    }

    /** The limit of all authenticated clients of one IP together. */
    public Limit ipLimitOfAuthenticated() {
        return new Limit(authenticatedIpLimit, period, failMode);
    }

    /** The bucket key: per subject when authenticated, else per IP (IPv6 per /64). */
    public String bucketKey(ClientIp ip, String subject) {
        if (subject != null) {
            return name + ":sub:" + subject;
        }
        return name + ":ip:" + client(ip);
    }

    /** The bucket key of all authenticated clients of one IP (IPv6 per /64) together. */
    public String authenticatedIpBucketKey(ClientIp ip) {
        return name + ":authip:" + client(ip);
    }

    private static String client(ClientIp ip) {
        return ip.isIpv4() ? ip.toString() : Cidr.of(ip, IPV6_CLIENT_PREFIX).toString();
    }

    /** @param method upper case */
    boolean matches(String method, PathContainer path, List<PathPattern> compiled) {
        if (!methods.isEmpty() && !methods.contains(method) && !("HEAD".equals(method) && methods.contains("GET"))) {
            return false;
        }
        for (PathPattern pattern : compiled) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
