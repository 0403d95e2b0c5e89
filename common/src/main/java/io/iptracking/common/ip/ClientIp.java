package io.iptracking.common.ip;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One client IP address, IPv4 or IPv6, in canonical form: IPv4-mapped IPv6 addresses are folded to
 * IPv4 ({@code ::ffff:203.0.113.7} is {@code 203.0.113.7}) and zone ids are never part of it.
 * {@link #toString()} is the canonical text used as Kafka key and in every store: an IPv4 dotted
 * quad or RFC 5952 compressed lower-case IPv6.
 *
 * <p>The address is held as two longs (IPv4 in the low 32 bits of {@link #low()}) so prefix
 * matching needs no allocation.
 */
public final class ClientIp implements Comparable<ClientIp> {

    private final IpVersion version;
    private final long high;
    private final long low;
    private final String text;

    private ClientIp(IpVersion version, long high, long low, String text) {
        this.version = version;
        this.high = high;
        this.low = low;
        this.text = text;
    }

    /**
     * Parses a strict IP literal. Host names, ports, brackets, zone ids, prefix lengths, octal/hex or
     * shortened IPv4 forms are all rejected with a message that says which rule was broken.
     *
     * @throws InvalidIpException if the text is not a valid literal
     */
    @JsonCreator
    public static ClientIp parse(String text) {
        if (text == null) {
            throw new InvalidIpException("IP address", null, "it is missing");
        }
        long ipv4 = IpLiterals.dottedQuad(text);
        if (ipv4 >= 0) {
            // Every topic reader parses an IP per record: text that is already canonical, as the services
            // write it, needs no trip through the library, which costs microseconds.
            return new ClientIp(IpVersion.IPV4, 0L, ipv4, text);
        }
        long[] ipv6 = IpLiterals.canonicalIpv6(text);
        if (ipv6 != null) {
            return new ClientIp(IpVersion.IPV6, ipv6[0], ipv6[1], text);
        }
        if (text.indexOf('/') >= 0) {
            throw new InvalidIpException("IP address", text,
                    "a prefix length is not allowed here; give a single address");
        }
        return of(IpLiterals.parseAddress(text, "IP address", text));
    }

    /** The client IP of a socket peer: IPv4-mapped addresses are folded, scope ids dropped. */
    public static ClientIp of(InetAddress address) {
        return fromBytes(address.getAddress());
    }

    /**
     * From raw network-order bytes: 4 for IPv4, 16 for IPv6.
     *
     * @throws IllegalArgumentException for any other length
     */
    public static ClientIp fromBytes(byte[] bytes) {
        return switch (bytes.length) {
            case 4 -> of(new IPv4Address(bytes));
            case 16 -> of(new IPv6Address(bytes));
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        };
    }

    static ClientIp of(IPAddress address) {
        if (address instanceof IPv6Address v6 && v6.isIPv4Mapped()) {
            address = v6.getEmbeddedIPv4Address();
        }
        byte[] b = address.getBytes();
        if (b.length == 4) {
            return new ClientIp(IpVersion.IPV4, 0L, toLong(b, 0, 4), address.toCanonicalString());
        }
        return new ClientIp(IpVersion.IPV6, toLong(b, 0, 8), toLong(b, 8, 8), address.toCanonicalString());
    }

    /** The address whose value is {@code high:low} (an IPv4 address is the low 32 bits of {@code low}). */
    public static ClientIp of(IpVersion version, long high, long low) {
        byte[] b = new byte[version == IpVersion.IPV4 ? 4 : 16];
        if (version == IpVersion.IPV4) {
            putLong(b, 0, 4, low);
        } else {
            putLong(b, 0, 8, high);
            putLong(b, 8, 8, low);
        }
        return fromBytes(b);
    }

    public IpVersion version() {
        return version;
    }

    public boolean isIpv4() {
        return version == IpVersion.IPV4;
    }

    /** The upper 64 bits of an IPv6 address; 0 for IPv4. */
    public long high() {
        return high;
    }

    /** The lower 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits. */
    public long low() {
        return low;
    }

    /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
    public byte[] toBytes() {
        byte[] b = new byte[isIpv4() ? 4 : 16];
        if (isIpv4()) {
            putLong(b, 0, 4, low);
        } else {
            putLong(b, 0, 8, high);
            putLong(b, 8, 8, low);
        }
        return b;
    }

    /** For APIs that take an {@link InetAddress}; never does a DNS lookup. */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unreachable: address length is always valid", e);
        }
    }

    /** This address as a single-address CIDR ({@code /32} or {@code /128}). */
    public Cidr toCidr() {
        return Cidr.of(this, version.bits());
    }

    /** Canonical text form. */
    @JsonValue
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientIp other && version == other.version && high == other.high && low == other.low;
    }

    @Override
    public int hashCode() {
        // No Objects.hash: it boxes three values on every call, and maps keyed by client IP are hot.
        return 31 * (31 * version.ordinal() + Long.hashCode(high)) + Long.hashCode(low);
    }

    /** IPv4 before IPv6, then numeric order. */
    @Override
    public int compareTo(ClientIp o) {
        int c = version.compareTo(o.version);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    private static long toLong(byte[] b, int from, int length) {
        long v = 0;
        for (int i = from; i < from + length; i++) {
            v = (v << 8) | (b[i] & 0xffL);
        }
        return v;
    }

    private static void putLong(byte[] b, int from, int length, long v) {
        for (int i = from + length - 1; i >= from; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
    }
}
