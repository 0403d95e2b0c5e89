package io.iptracking.common.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            203.0.113.0/24            | 203.0.113.0/24
            203.0.113.7/24            | 203.0.113.0/24
            10.1.2.3/8                | 10.0.0.0/8
            203.0.113.7               | 203.0.113.7/32
            203.0.113.7/32            | 203.0.113.7/32
            0.0.0.0/0                 | 0.0.0.0/0
            255.255.255.255/0         | 0.0.0.0/0
            2001:DB8::1/32            | 2001:db8::/32
            2001:db8:abcd:12::/64     | 2001:db8:abcd:12::/64
            2001:db8::1               | 2001:db8::1/128
            2001:db8::ff/121          | 2001:db8::80/121
            ::/0                      | ::/0
            ::ffff:10.1.2.3/104       | 10.0.0.0/8
            ::ffff:10.1.2.3/128       | 10.1.2.3/32
            ::ffff:10.1.2.3           | 10.1.2.3/32
            ::ffff:10.1.2.3/96        | 0.0.0.0/0
            ::ffff:10.1.2.3/95        | ::fffe:0:0/95
            """)
    void parsesAndNormalises(String input, String canonical) {
        Cidr cidr = Cidr.parse(input);
        assertThat(cidr).hasToString(canonical);
        assertThat(Cidr.parse(canonical)).isEqualTo(cidr);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "NULL", textBlock = """
            NULL                   | 'null' is not a valid CIDR: it is missing
            ""                     | '' is not a valid CIDR: it is empty
            /24                    | '/24' is not a valid CIDR: it is empty
            10.0.0.0/33            | '10.0.0.0/33' is not a valid CIDR: prefix length 33 is out of range for IPv4 (0-32)
            10.0.0.0/99999999      | '10.0.0.0/99999999' is not a valid CIDR: prefix length 99999999 is out of range for IPv4 (0-32)
            2001:db8::/129         | '2001:db8::/129' is not a valid CIDR: prefix length 129 is out of range for IPv6 (0-128)
            ::ffff:10.0.0.0/129    | '::ffff:10.0.0.0/129' is not a valid CIDR: prefix length 129 is out of range for IPv6 (0-128)
            10.0.0.0/              | '10.0.0.0/' is not a valid CIDR: the prefix length after '/' is missing
            10.0.0.0/-1            | '10.0.0.0/-1' is not a valid CIDR: prefix length '-1' is not a whole number
            10.0.0.0/+8            | '10.0.0.0/+8' is not a valid CIDR: prefix length '+8' is not a whole number
            10.0.0.0/abc           | '10.0.0.0/abc' is not a valid CIDR: prefix length 'abc' is not a whole number
            10.0.0.0/8/16          | '10.0.0.0/8/16' is not a valid CIDR: prefix length '8/16' is not a whole number
            10.0.0.0/ 8            | '10.0.0.0/ 8' is not a valid CIDR: prefix length ' 8' is not a whole number
            10.0.0.0/08            | '10.0.0.0/08' is not a valid CIDR: prefix length '08' has a leading zero
            10.0.0.0/255.0.0.0     | '10.0.0.0/255.0.0.0' is not a valid CIDR: netmask notation is not supported; use a prefix length
            10.0.0/8               | '10.0.0/8' is not a valid CIDR: an IPv4 address has 4 dot-separated parts, this has 3
            10.0.0.256/8           | '10.0.0.256/8' is not a valid CIDR: part '256' is greater than 255
            010.0.0.0/8            | '010.0.0.0/8' is not a valid CIDR: part '010' has a leading zero (ambiguous: octal or decimal)
            10.0.0.*/24            | '10.0.0.*/24' is not a valid CIDR: it is not an IP address literal (host names are never resolved)
            10.0.0.0-10.0.0.255    | '10.0.0.0-10.0.0.255' is not a valid CIDR: it is not an IP address literal (host names are never resolved)
            example.com/24         | 'example.com/24' is not a valid CIDR: it is not an IP address literal (host names are never resolved)
            fe80::%eth0/64         | 'fe80::%eth0/64' is not a valid CIDR: zone ids (the '%' suffix) are not allowed
            [2001:db8::]/32        | '[2001:db8::]/32' is not a valid CIDR: brackets are not allowed; give the bare address
            2001:db8:::/32         | '2001:db8:::/32' is not a valid CIDR: it is not a valid IPv6 address
            """)
    void rejectsWithExactReason(String input, String message) {
        assertThatThrownBy(() -> Cidr.parse(input))
                .isInstanceOf(InvalidIpException.class)
                .hasMessage(message);
    }

    @Test
    void containsAddressesOfItsOwnFamilyOnly() {
        Cidr net = Cidr.parse("203.0.113.0/24");
        assertThat(net.contains(ClientIp.parse("203.0.113.0"))).isTrue();
        assertThat(net.contains(ClientIp.parse("203.0.113.255"))).isTrue();
        assertThat(net.contains(ClientIp.parse("203.0.114.0"))).isFalse();
        assertThat(net.contains(ClientIp.parse("203.0.112.255"))).isFalse();
        assertThat(net.contains(ClientIp.parse("::ffff:203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ClientIp.parse("203.0.113.9"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ClientIp.parse("2001:db8::1"))).isFalse();

        Cidr v6 = Cidr.parse("2001:db8:abcd::/48");
        assertThat(v6.contains(ClientIp.parse("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(v6.contains(ClientIp.parse("2001:db8:abce::"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/127").contains(ClientIp.parse("2001:db8::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/127").contains(ClientIp.parse("2001:db8::2"))).isFalse();
    }

    @Test
    void containsNarrowerRanges() {
        Cidr wide = Cidr.parse("10.0.0.0/8");
        assertThat(wide.contains(Cidr.parse("10.20.0.0/16"))).isTrue();
        assertThat(wide.contains(wide)).isTrue();
        assertThat(Cidr.parse("10.20.0.0/16").contains(wide)).isFalse();
        assertThat(wide.contains(Cidr.parse("11.0.0.0/16"))).isFalse();
    }

    @Test
    void ofNormalisesHostBitsAndKnowsSingleAddresses() {
        ClientIp ip = ClientIp.parse("2001:db8:1:2:3:4:5:6");
        assertThat(Cidr.of(ip, 48)).hasToString("2001:db8:1::/48");
        assertThat(Cidr.of(ip, 64)).hasToString("2001:db8:1:2::/64");
        assertThat(Cidr.of(ip, 0)).hasToString("::/0");
        assertThat(ip.toCidr().isSingleAddress()).isTrue();
        assertThat(Cidr.of(ip, 127).isSingleAddress()).isFalse();
        assertThatThrownBy(() -> Cidr.of(ClientIp.parse("1.2.3.4"), 33))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length 33 is out of range for IPV4 (0-32)");
    }

    @Test
    void constructorRefusesHostBits() {
        assertThatThrownBy(() -> new Cidr(ClientIp.parse("10.0.0.1"), 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host bits are set in 10.0.0.1/8; use Cidr.of to normalise");
    }

    @Test
    void minusLeavesTheAddressesOfNoHoleAsTheFewestRanges() {
        assertThat(Cidr.parse("10.0.0.0/8").minus(List.of(Cidr.parse("10.1.0.0/16")))).extracting(Cidr::toString)
                .containsExactly("10.0.0.0/16", "10.2.0.0/15", "10.4.0.0/14", "10.8.0.0/13", "10.16.0.0/12", "10.32.0.0/11",
                        "10.64.0.0/10", "10.128.0.0/9");
        assertThat(Cidr.parse("192.0.2.0/24").minus(List.of(Cidr.parse("192.0.2.0/25"), Cidr.parse("192.0.2.128/26"))))
                .extracting(Cidr::toString).containsExactly("192.0.2.192/26");
        assertThat(Cidr.parse("192.0.2.7/32").minus(List.of(Cidr.parse("192.0.2.0/24")))).as("covered").isEmpty();
        assertThat(Cidr.parse("192.0.2.0/24").minus(List.of(Cidr.parse("198.51.100.0/24"), Cidr.parse("2001:db8::/32"))))
                .as("untouched").containsExactly(Cidr.parse("192.0.2.0/24"));
        assertThat(Cidr.parse("2001:db8::/32").minus(List.of(Cidr.parse("2001:db8::1/128")))).hasSize(96)
                .allSatisfy(c -> assertThat(c.contains(ClientIp.parse("2001:db8::1"))).isFalse())
                .anySatisfy(c -> assertThat(c.contains(ClientIp.parse("2001:db8::"))).isTrue())
                .anySatisfy(c -> assertThat(c.contains(ClientIp.parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue());
        assertThat(Cidr.parse("0.0.0.0/0").minus(List.of(Cidr.parse("0.0.0.0/1"), Cidr.parse("128.0.0.0/1")))).isEmpty();
        // Beside the IPv4-mapped range: a part inside it is the IPv4 range it stands for.
        assertThat(Cidr.parse("::fffe:0:0/95").minus(List.of(Cidr.parse("::fffe:0:1")))).isNotEmpty()
                .allSatisfy(c -> assertThat(c.contains(ClientIp.parse("::fffe:0:1"))).isFalse())
                .anySatisfy(c -> assertThat(c).isEqualTo(Cidr.parse("0.0.0.0/0")));
    }
}
