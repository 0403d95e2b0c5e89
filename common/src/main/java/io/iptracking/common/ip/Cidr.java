package io.iptracking.common.ip;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * A CIDR range: a network address and a prefix length, IPv4 or IPv6, with host bits cleared
 * ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). A bare address is a single-address range
 * ({@code /32} or {@code /128}). IPv4-mapped IPv6 ranges of prefix 96 or longer are folded to
 * IPv4 ({@code ::ffff:10.0.0.0/104} is {@code 10.0.0.0/8}).
 *
 * <p>{@link #toString()} is the canonical text, always with the prefix length; it keys the
 * blocklist topic.
 */
public record Cidr(ClientIp network, int prefixLength) {

    private static final int MAPPED_PREFIX = 96;

    public Cidr {
        if (prefixLength < 0 || prefixLength > network.version().bits()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for "
                    + network.version() + " (0-" + network.version().bits() + ")");
        }
        if ((network.high() & ~maskHigh(network.version(), prefixLength)) != 0
                || (network.low() & ~maskLow(network.version(), prefixLength)) != 0) {
            throw new IllegalArgumentException("host bits are set in " + network + "/" + prefixLength
                    + "; use Cidr.of to normalise");
        }
    }

    /**
     * Parses {@code address} or {@code address/prefix}. Host bits are cleared; out-of-range or
     * malformed prefix lengths and every malformed address form are rejected with a precise reason.
     *
     * @throws InvalidIpException if the text is not a valid CIDR
     */
    @JsonCreator
    public static Cidr parse(String text) {
        if (text == null) {
            throw new InvalidIpException("CIDR", null, "it is missing");
        }
        int slash = text.indexOf('/');
        String addressPart = slash < 0 ? text : text.substring(0, slash);
        IPAddress address = IpLiterals.parseAddress(addressPart, "CIDR", text);
        int bits = address.getBitCount();
        int prefix = slash < 0 ? bits : parsePrefix(text, text.substring(slash + 1), bits);
        if (address instanceof IPv6Address v6 && v6.isIPv4Mapped() && prefix >= MAPPED_PREFIX) {
            return of(ClientIp.of(address), prefix - MAPPED_PREFIX);
        }
        if (address instanceof IPv6Address v6 && v6.isIPv4Mapped()) {
            // Below /96 the range is wider than the mapped block: keep it IPv6. Masking clears part
            // of the ::ffff: marker, so the network address itself is never folded.
            long high = toLong(v6, 0) & maskHigh(IpVersion.IPV6, prefix);
            long low = toLong(v6, 8) & maskLow(IpVersion.IPV6, prefix);
            return new Cidr(ClientIp.of(IpVersion.IPV6, high, low), prefix);
        }
        return of(ClientIp.of(address), prefix);
    }

    /** The range of {@code prefixLength} that contains {@code ip}, host bits cleared. */
    public static Cidr of(ClientIp ip, int prefixLength) {
        IpVersion v = ip.version();
        if (prefixLength < 0 || prefixLength > v.bits()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for "
                    + v + " (0-" + v.bits() + ")");
        }
        long high = ip.high() & maskHigh(v, prefixLength);
        long low = ip.low() & maskLow(v, prefixLength);
        ClientIp network = high == ip.high() && low == ip.low() ? ip : ClientIp.of(v, high, low);
        return new Cidr(network, prefixLength);
    }

    public IpVersion version() {
        return network.version();
    }

    public boolean isSingleAddress() {
        return prefixLength == network.version().bits();
    }

    public boolean contains(ClientIp ip) {
        IpVersion v = network.version();
        return ip.version() == v
                && (ip.high() & maskHigh(v, prefixLength)) == network.high()
                && (ip.low() & maskLow(v, prefixLength)) == network.low();
    }

    /** True when every address of {@code other} is in this range. */
    public boolean contains(Cidr other) {
        return other.prefixLength >= prefixLength && contains(other.network);
    }

    /** True when the two ranges share an address: one contains the other (CIDRs never partly overlap). */
    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    /**
     * The addresses of this range that are in none of {@code holes}, as the fewest CIDRs, in address
     * order: empty when a hole covers it all, itself when no hole touches it. The IPAddress library
     * subtracts and merges.
     */
    public List<Cidr> minus(Collection<Cidr> holes) {
        List<IPAddress> rest = List.of(toAddress());
        for (Cidr hole : holes) {
            if (!overlaps(hole)) {
                continue;
            }
            IPAddress h = hole.toAddress();
            rest = rest.stream().flatMap(r -> {
                IPAddress[] left = r.subtract(h);
                return left == null ? Stream.<IPAddress>empty() : Arrays.stream(left);
            }).toList();
        }
        if (rest.isEmpty()) {
            return List.of();
        }
        IPAddress[] merged = rest.getFirst().mergeToPrefixBlocks(rest.subList(1, rest.size()).toArray(IPAddress[]::new));
        // Read back as written, through parse: a part in ::ffff:0:0/96 is the IPv4 range it stands for.
        return Arrays.stream(merged).map(b -> Cidr.parse(b.toCanonicalString())).distinct().toList();
    }

    /** This range as the IPAddress library's prefix block. */
    private IPAddress toAddress() {
        byte[] bytes = network.toBytes();
        IPAddress address = bytes.length == 4 ? new IPv4Address(bytes, prefixLength) : new IPv6Address(bytes, prefixLength);
        return address.toPrefixBlock();
    }

    /** Mask of the upper 64 bits for a prefix length (always 0 for IPv4, which lives in the low word). */
    public static long maskHigh(IpVersion v, int prefixLength) {
        if (v == IpVersion.IPV4) {
            return 0L;
        }
        return prefixLength >= 64 ? -1L : prefixLength == 0 ? 0L : -1L << (64 - prefixLength);
    }

    /** Mask of the lower 64 bits (of the 32-bit IPv4 value for IPv4). */
    public static long maskLow(IpVersion v, int prefixLength) {
        if (v == IpVersion.IPV4) {
            return prefixLength == 0 ? 0L : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
        }
        return prefixLength <= 64 ? 0L : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    }

    private static int parsePrefix(String input, String prefix, int bits) {
        String family = bits == 32 ? "IPv4" : "IPv6";
        if (prefix.isEmpty()) {
            throw new InvalidIpException("CIDR", input, "the prefix length after '/' is missing");
        }
        if (prefix.indexOf('.') >= 0 || prefix.indexOf(':') >= 0) {
            throw new InvalidIpException("CIDR", input, "netmask notation is not supported; use a prefix length");
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) < '0' || prefix.charAt(i) > '9') {
                throw new InvalidIpException("CIDR", input,
                        "prefix length '" + InvalidIpException.printable(prefix) + "' is not a whole number");
            }
        }
        if (prefix.length() > 1 && prefix.charAt(0) == '0') {
            throw new InvalidIpException("CIDR", input, "prefix length '" + prefix + "' has a leading zero");
        }
        int value = prefix.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(prefix);
        if (value > bits) {
            throw new InvalidIpException("CIDR", input, "prefix length " + (prefix.length() > 3 ? prefix : value)
                    + " is out of range for " + family + " (0-" + bits + ")");
        }
        return value;
    }

    private static long toLong(IPv6Address a, int from) {
        byte[] b = a.getBytes();
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xffL);
        }
        return v;
    }

    @JsonValue
    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
