package io.iptracking.admin.webhooks;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may be sent. An address is permitted when the most specific range that contains it
 * in either list is an allowed one; a tie is refused. So the defaults (everything allowed, loopback,
 * link-local, cloud metadata, multicast and reserved ranges refused) refuse 169.254.169.254, and an
 * operator who allows {@code 127.0.0.1/32} opens that one address, not all of loopback. A host name is
 * permitted only when every address it resolves to is, and it is checked again at each delivery,
 * against the addresses the delivery then connects to.
 */
public final class Destinations {

    /** The longest URL an endpoint may have. */
    public static final int MAX_URL_LENGTH = 2048;

    /** Resolves a host name to its addresses (the system resolver, or a test's). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A destination that may not be used; the message says which address and why. */
    public static final class RefusedException extends UnknownHostException {

        RefusedException(String message) {
            super(message);
        }
    }

    private final List<Cidr> allowed;
    private final List<Cidr> refused;
    private final Resolver resolver;

    public Destinations(List<Cidr> allowed, List<Cidr> refused, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.refused = List.copyOf(refused);
        this.resolver = resolver;
    }

    /** The refusing range for {@code address}, if it is refused. */
    public Optional<Cidr> refusing(InetAddress address) {
        ClientIp ip = ClientIp.of(address);
        Cidr bestAllowed = mostSpecific(allowed, ip);
        Cidr bestRefused = mostSpecific(refused, ip);
        if (bestAllowed == null) {
            return Optional.of(Cidr.of(ip, ip.version().bits()));
        }
        if (bestRefused != null && bestRefused.prefixLength() >= bestAllowed.prefixLength()) {
            return Optional.of(bestRefused);
        }
        return Optional.empty();
    }

    /** The addresses of {@code host}, all of them permitted; else a {@link RefusedException} naming the first that is not. */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = resolver.resolve(host);
        for (InetAddress a : addresses) {
            Optional<Cidr> refusing = refusing(a);
            if (refusing.isPresent()) {
                Cidr by = refusing.get();
                throw new RefusedException(host + " is " + a.getHostAddress() + (by.isSingleAddress() && !allowedAny(a)
                        ? ", outside ADMIN_WEBHOOKS_ALLOWED_DESTINATIONS"
                        : ", in " + by + " of ADMIN_WEBHOOKS_REFUSED_DESTINATIONS (loopback, link-local, cloud metadata "
                                + "and reserved ranges are refused unless allowed by a more specific range)"));
            }
        }
        return addresses;
    }

    private boolean allowedAny(InetAddress a) {
        return mostSpecific(allowed, ClientIp.of(a)) != null;
    }

    /**
     * Checks an endpoint's URL as given: an absolute http or https URL with a host, no user name or
     * password (the signature authenticates deliveries), no fragment, whose host resolves to permitted
     * addresses only.
     *
     * @return the URL, normalized
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public URI check(String url) {
        URI uri = syntax(url);
        try {
            resolve(uri.getHost());
        } catch (RefusedException e) {
            throw new IllegalArgumentException("is refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("names a host that does not resolve: " + uri.getHost());
        }
        return uri;
    }

    /** The URL's form alone (no resolution). */
    static URI syntax(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is missing");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("has no host (or a host that is not a valid name)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not hold a user name or password: deliveries are authenticated by "
                    + "their signature");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not have a fragment (#...)");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw new IllegalArgumentException("has port " + uri.getPort() + ", outside 1 to 65535");
        }
        return uri.normalize();
    }

    private static Cidr mostSpecific(List<Cidr> ranges, ClientIp ip) {
        Cidr best = null;
        for (Cidr c : ranges) {
            if (c.contains(ip) && (best == null || c.prefixLength() > best.prefixLength())) {
                best = c;
            }
        }
        return best;
    }
}
