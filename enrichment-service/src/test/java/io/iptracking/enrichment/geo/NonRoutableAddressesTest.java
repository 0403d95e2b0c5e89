package io.iptracking.enrichment.geo;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.ClientIp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NonRoutableAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1", "169.254.10.20",
            "172.16.0.1", "172.31.255.255", "192.0.0.9", "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.19.255.255",
            "198.51.100.7", "203.0.113.77", "224.0.0.251", "239.255.255.250", "240.0.0.1", "255.255.255.255",
            "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "100::1", "64:ff9b:1::1",
            "3fff::1", "fec0::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"})
    void nonRoutable(String ip) {
        assertThat(NonRoutableAddresses.contains(ClientIp.parse(ip))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
            "126.255.255.255", "128.0.0.0", "169.253.255.255", "172.15.255.255", "172.32.0.0", "192.0.1.255",
            "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0", "203.0.112.255", "223.255.255.255",
            "81.2.69.142", "::2", "2001:4860:4860::8888", "2a00:1450::1", "fbff::1", "fe00::1", "2001:db9::1",
            "64:ff9b::808:808", "::ffff:8.8.8.8"})
    void routable(String ip) {
        assertThat(NonRoutableAddresses.contains(ClientIp.parse(ip))).isFalse();
    }
}
