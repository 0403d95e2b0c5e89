package io.iptracking.common.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientNetworkTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            203.0.113.7                 | 203.0.113.7
            0.0.0.0                     | 0.0.0.0
            2001:db8:1:2:a:b:c:d        | 2001:db8:1:2::
            2001:db8:1:2::              | 2001:db8:1:2::
            2001:db8:1:2:ffff:ffff:ffff:ffff | 2001:db8:1:2::
            ::1                         | ::
            ::ffff:203.0.113.7          | 203.0.113.7
            """)
    void theKeyIsAnIpv4AddressItselfAndTheFirstAddressOfAnIpv6Slash64(String ip, String key) {
        assertThat(ClientNetwork.keyOf(ClientIp.parse(ip))).isEqualTo(ClientIp.parse(key)).hasToString(key);
    }

    @Test
    void theKeyIsTheNetworkOfTheKeyPrefixes() {
        for (String text : new String[] {"203.0.113.7", "2001:db8:1:2:a:b:c:d", "::ffff:198.51.100.1"}) {
            ClientIp ip = ClientIp.parse(text);
            assertThat(ClientNetwork.keyOf(ip)).as(text).isEqualTo(
                    ClientNetwork.of(ip, ClientNetwork.KEY_IPV4_PREFIX, ClientNetwork.KEY_IPV6_PREFIX).network());
        }
    }

    @Test
    void anIpv4AddressIsItsOwnKey() {
        ClientIp ip = ClientIp.parse("198.51.100.23");
        assertThat(ClientNetwork.keyOf(ip)).isSameAs(ip);
    }

    @Test
    void addressesOfOneSlash64ShareTheKeyAndOtherSlash64sDoNot() {
        ClientIp a = ClientIp.parse("2001:db8:7:7::1");
        ClientIp b = ClientIp.parse("2001:db8:7:7:8000::42");
        ClientIp nextNetwork = ClientIp.parse("2001:db8:7:8::1");
        ClientIp otherSite = ClientIp.parse("2001:db8:8:7::1");
        assertThat(ClientNetwork.keyOf(a)).isEqualTo(ClientNetwork.keyOf(b));
        assertThat(ClientNetwork.keyOf(a)).isNotEqualTo(ClientNetwork.keyOf(nextNetwork))
                .isNotEqualTo(ClientNetwork.keyOf(otherSite));
    }

    @ParameterizedTest(name = "{0} /{1} /{2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            203.0.113.7          | 24 | 64  | 203.0.113.0/24
            203.0.113.7          | 32 | 64  | 203.0.113.7/32
            203.0.113.7          | 0  | 64  | 0.0.0.0/0
            2001:db8:1:2:a:b:c:d | 24 | 64  | 2001:db8:1:2::/64
            2001:db8:1:2:a:b:c:d | 24 | 48  | 2001:db8:1::/48
            2001:db8:1:2:a:b:c:d | 24 | 128 | 2001:db8:1:2:a:b:c:d/128
            2001:db8:1:2:a:b:c:d | 24 | 0   | ::/0
            ::ffff:203.0.113.7   | 24 | 64  | 203.0.113.0/24
            """)
    void theNetworkOfAPrefixHasItsHostBitsCleared(String ip, int ipv4Prefix, int ipv6Prefix, String network) {
        Cidr cidr = ClientNetwork.of(ClientIp.parse(ip), ipv4Prefix, ipv6Prefix);
        assertThat(cidr).hasToString(network);
        assertThat(cidr.contains(ClientIp.parse(ip))).isTrue();
    }

    @ParameterizedTest(name = "/{0} /{1}")
    @CsvSource(delimiter = '|', textBlock = """
            -1 | 64  | IPv4 network prefix must be between 0 and 32, was -1
            33 | 64  | IPv4 network prefix must be between 0 and 32, was 33
            32 | -1  | IPv6 network prefix must be between 0 and 128, was -1
            32 | 129 | IPv6 network prefix must be between 0 and 128, was 129
            """)
    void badPrefixesAreRefusedWhateverTheFamilyOfTheAddress(int ipv4Prefix, int ipv6Prefix, String message) {
        for (String ip : new String[] {"203.0.113.7", "2001:db8::1"}) {
            assertThatThrownBy(() -> ClientNetwork.of(ClientIp.parse(ip), ipv4Prefix, ipv6Prefix)).as(ip)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        }
    }
}
