package io.iptracking.enrichment.geo;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.util.List;

/**
 * Special-purpose blocks (IANA IPv4 and IPv6 Special-Purpose Address Registries) that are not
 * globally routable: private, shared (CGNAT), loopback, link-local, documentation, benchmarking,
 * multicast and reserved. No GeoIP database places them, so they are marked {@link
 * io.iptracking.common.event.Geo#PRIVATE} without a lookup.
 */
final class NonRoutableAddresses {

    private static final List<Cidr> IPV4 = cidrs(
            "0.0.0.0/8",          // "this network"
            "10.0.0.0/8",         // private
            "100.64.0.0/10",      // shared address space (carrier-grade NAT)
            "127.0.0.0/8",        // loopback
            "169.254.0.0/16",     // link-local
            "172.16.0.0/12",      // private
            "192.0.0.0/24",       // IETF protocol assignments
            "192.0.2.0/24",       // documentation (TEST-NET-1)
            "192.88.99.0/24",     // deprecated 6to4 relay anycast
            "192.168.0.0/16",     // private
            "198.18.0.0/15",      // benchmarking
            "198.51.100.0/24",    // documentation (TEST-NET-2)
            "203.0.113.0/24",     // documentation (TEST-NET-3)
            "224.0.0.0/4",        // multicast
            "240.0.0.0/4");       // reserved, and the limited broadcast address

    private static final List<Cidr> IPV6 = cidrs(
            "::/127",             // unspecified and loopback
            "64:ff9b:1::/48",     // local-use IPv4/IPv6 translation
            "100::/64",           // discard-only
            "2001:db8::/32",      // documentation
            "3fff::/20",          // documentation
            "fc00::/7",           // unique local
            "fe80::/10",          // link-local
            "fec0::/10",          // deprecated site-local
            "ff00::/8");          // multicast

    private NonRoutableAddresses() {
    }

    static boolean contains(ClientIp ip) {
        for (Cidr block : ip.isIpv4() ? IPV4 : IPV6) {
            if (block.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    private static List<Cidr> cidrs(String... texts) {
        return java.util.Arrays.stream(texts).map(Cidr::parse).toList();
    }
}
