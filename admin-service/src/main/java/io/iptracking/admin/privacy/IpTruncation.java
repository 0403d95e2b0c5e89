package io.iptracking.admin.privacy;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;

/**
 * Coarsens client IPs before they are stored for longer than the topics keep them (ARCHITECTURE.md,
 * decision 7): an IPv4 address to its /24, an IPv6 address to its /48 by default, which still tells
 * networks apart but no longer a household.
 *
 * <p>{@link #truncate} returns a {@link Cidr}, not an address: {@code 203.0.113.0/24} says that it
 * is a truncated value, where {@code 203.0.113.0} would pass for a real client. Its text form is
 * canonical, so truncated values group and compare by plain string equality.
 *
 * @param ipv4Prefix bits kept of an IPv4 address, 0-32; 32 keeps the full address
 * @param ipv6Prefix bits kept of an IPv6 address, 0-128; 128 keeps the full address
 */
public record IpTruncation(int ipv4Prefix, int ipv6Prefix) {

    /** IPv4 /24 and IPv6 /48: the defaults of the request log. */
    public static final IpTruncation DEFAULT = new IpTruncation(24, 48);

    public IpTruncation {
        if (ipv4Prefix < 0 || ipv4Prefix > 32) {
            throw new IllegalArgumentException("IPv4 truncation prefix must be between 0 and 32, was " + ipv4Prefix);
        }
        if (ipv6Prefix < 0 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("IPv6 truncation prefix must be between 0 and 128, was " + ipv6Prefix);
        }
    }

    /** The range of the configured prefix that contains {@code ip}, host bits cleared. */
    public Cidr truncate(ClientIp ip) {
        return ClientNetwork.of(ip, ipv4Prefix, ipv6Prefix);
    }
}
