package io.iptracking.ingest.ip;

import io.iptracking.common.ip.ClientIp;
import java.util.Set;

/**
 * IPv6 forms that carry an IPv4 address, and so name an IPv4 client. The edge folds them to that
 * address for list matching, rate-limit keys and events, so a block or a bucket on {@code 203.0.113.9}
 * cannot be dodged by writing it another way. IPv4-mapped addresses ({@code ::ffff:0:0/96}) are always
 * folded ({@link ClientIp} does it); the forms here are configuration
 * ({@code ingest.client-ip.embedded-ipv4}).
 */
public enum EmbeddedIpv4 {

    /**
     * {@code ::a.b.c.d} (RFC 4291, deprecated): still accepted by many stacks as the IPv4 host. The
     * unspecified and loopback addresses ({@code ::}, {@code ::1}) and the rest of {@code ::/104} are
     * not IPv4 hosts and are left alone.
     */
    IPV4_COMPATIBLE {
        @Override
        long embedded(long high, long low) {
            return high == 0 && (low >>> 32) == 0 && (low >>> 24) != 0 ? low & 0xffff_ffffL : -1;
        }
    },

    /**
     * {@code 64:ff9b::a.b.c.d} (RFC 6052 well-known prefix): an IPv4 client as a NAT64 in front of an
     * IPv6-only edge presents it.
     */
    NAT64 {
        @Override
        long embedded(long high, long low) {
            return high == 0x0064_ff9b_0000_0000L && (low >>> 32) == 0 ? low & 0xffff_ffffL : -1;
        }
    },

    /** {@code 2002:a.b.c.d::/48} (6to4, RFC 3056): every address of the /48 belongs to that IPv4 router's site. */
    SIX_TO_FOUR {
        @Override
        long embedded(long high, long low) {
            return (high >>> 48) == 0x2002 ? (high >>> 16) & 0xffff_ffffL : -1;
        }
    },

    /**
     * {@code 2001:0::/32} (Teredo, RFC 4380): the client's public IPv4 address, inverted, in the last 32
     * bits. Off by default: Teredo is rare today, and the mapping is only as good as the relay.
     */
    TEREDO {
        @Override
        long embedded(long high, long low) {
            return (high >>> 32) == 0x2001_0000L ? ~low & 0xffff_ffffL : -1;
        }
    };

    /** The forms folded when configuration names none. */
    public static final Set<EmbeddedIpv4> DEFAULT = Set.of(IPV4_COMPATIBLE, NAT64, SIX_TO_FOUR);

    /** The embedded IPv4 address as an unsigned 32-bit value, or -1 when the address is not of this form. */
    abstract long embedded(long high, long low);

    /** The IPv4 address an IPv6 address of one of {@code forms} carries; otherwise the address itself. */
    public static ClientIp fold(ClientIp ip, Set<EmbeddedIpv4> forms) {
        if (ip.isIpv4()) {
            return ip;
        }
        for (EmbeddedIpv4 form : forms) {
            long v4 = form.embedded(ip.high(), ip.low());
            if (v4 >= 0) {
                return ClientIp.fromBytes(new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
            }
        }
        return ip;
    }
}
