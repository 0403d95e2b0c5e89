package io.iptracking.common.ip;

/**
 * The network a client IP belongs to, as the services count and key clients: an IPv4 address alone,
 * an IPv6 address by its /64 ({@link #KEY_IPV4_PREFIX}, {@link #KEY_IPV6_PREFIX}), since one IPv6
 * subscriber usually holds a whole /64 and can pick a new address in it for every request.
 *
 * <p>{@link #keyOf} is the Kafka record key of the request topics: every address of one /64 lands in
 * the same partition, so a consumer can count per network without repartitioning.
 */
public final class ClientNetwork {

    /** Prefix length of an IPv4 client network: the address itself. */
    public static final int KEY_IPV4_PREFIX = 32;

    /** Prefix length of an IPv6 client network: the /64 a subscriber usually holds. */
    public static final int KEY_IPV6_PREFIX = 64;

    private ClientNetwork() {
    }

    /**
     * The range that contains {@code ip}, {@code ipv4Prefix} long for an IPv4 address and
     * {@code ipv6Prefix} for an IPv6 one, host bits cleared. Both prefixes are checked, whichever
     * family {@code ip} is, so a bad pair fails on the first address rather than on the first of the
     * other family.
     *
     * @throws IllegalArgumentException if {@code ipv4Prefix} is outside 0-32 or {@code ipv6Prefix}
     *     outside 0-128
     */
    public static Cidr of(ClientIp ip, int ipv4Prefix, int ipv6Prefix) {
        if (ipv4Prefix < 0 || ipv4Prefix > IpVersion.IPV4.bits()) {
            throw new IllegalArgumentException("IPv4 network prefix must be between 0 and 32, was " + ipv4Prefix);
        }
        if (ipv6Prefix < 0 || ipv6Prefix > IpVersion.IPV6.bits()) {
            throw new IllegalArgumentException("IPv6 network prefix must be between 0 and 128, was " + ipv6Prefix);
        }
        return Cidr.of(ip, ip.isIpv4() ? ipv4Prefix : ipv6Prefix);
    }

    /**
     * The first address of {@code ip}'s client network: an IPv4 address itself, the network address
     * of an IPv6 address's /64 ({@code 2001:db8:1:2::} for {@code 2001:db8:1:2:a:b:c:d}).
     */
    public static ClientIp keyOf(ClientIp ip) {
        // No Cidr.of for IPv4: the key of every IPv4 request is the address itself, so skip the masking.
        return ip.isIpv4() ? ip : Cidr.of(ip, KEY_IPV6_PREFIX).network();
    }
}
