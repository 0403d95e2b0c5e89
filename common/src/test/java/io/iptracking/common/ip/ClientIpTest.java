package io.iptracking.common.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIpTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            203.0.113.7                              | 203.0.113.7
            0.0.0.0                                  | 0.0.0.0
            255.255.255.255                          | 255.255.255.255
            ::ffff:203.0.113.7                       | 203.0.113.7
            ::FFFF:CB00:7107                         | 203.0.113.7
            0:0:0:0:0:ffff:203.0.113.7               | 203.0.113.7
            2001:DB8:0:0:0:0:0:1                     | 2001:db8::1
            2001:0db8:0000:0000:0000:0000:0000:0001  | 2001:db8::1
            2001:db8:0:0:1:0:0:1                     | 2001:db8::1:0:0:1
            ::1                                      | ::1
            ::                                       | ::
            ::203.0.113.7                            | ::cb00:7107
            fe80::1                                  | fe80::1
            """)
    void parsesToCanonicalText(String input, String canonical) {
        ClientIp ip = ClientIp.parse(input);
        assertThat(ip).hasToString(canonical);
        assertThat(ClientIp.parse(canonical)).isEqualTo(ip);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "NULL", textBlock = """
            NULL                    | 'null' is not a valid IP address: it is missing
            ""                      | '' is not a valid IP address: it is empty
            localhost               | 'localhost' is not a valid IP address: it is not an IP address literal (host names are never resolved)
            unknown                 | 'unknown' is not a valid IP address: it is not an IP address literal (host names are never resolved)
            _hidden                 | '_hidden' is not a valid IP address: it is not an IP address literal (host names are never resolved)
            example.com             | 'example.com' is not a valid IP address: it is not an IP address literal (host names are never resolved)
            1.2.3                   | '1.2.3' is not a valid IP address: an IPv4 address has 4 dot-separated parts, this has 3
            1.2.3.4.5               | '1.2.3.4.5' is not a valid IP address: an IPv4 address has 4 dot-separated parts, this has 5
            127.1                   | '127.1' is not a valid IP address: an IPv4 address has 4 dot-separated parts, this has 2
            2130706433              | '2130706433' is not a valid IP address: an IPv4 address has 4 dot-separated parts, this has 1
            1.2.3.                  | '1.2.3.' is not a valid IP address: it has an empty part
            .1.2.3                  | '.1.2.3' is not a valid IP address: it has an empty part
            1..2.3                  | '1..2.3' is not a valid IP address: it has an empty part
            1.2.3.256               | '1.2.3.256' is not a valid IP address: part '256' is greater than 255
            1.2.3.1000              | '1.2.3.1000' is not a valid IP address: part '1000' is greater than 255
            010.0.0.1               | '010.0.0.1' is not a valid IP address: part '010' has a leading zero (ambiguous: octal or decimal)
            1.2.3.00                | '1.2.3.00' is not a valid IP address: part '00' has a leading zero (ambiguous: octal or decimal)
            0x7f.0.0.1              | '0x7f.0.0.1' is not a valid IP address: only decimal IPv4 parts are allowed
            -1.2.3.4                | '-1.2.3.4' is not a valid IP address: it is not an IP address literal (host names are never resolved)
            1.2.3.4:8080            | '1.2.3.4:8080' is not a valid IP address: it looks like an IPv4 address with a port; give the address alone
            [2001:db8::1]           | '[2001:db8::1]' is not a valid IP address: brackets are not allowed; give the bare address
            [2001:db8::1]:443       | '[2001:db8::1]:443' is not a valid IP address: brackets are not allowed; give the bare address
            fe80::1%eth0            | 'fe80::1%eth0' is not a valid IP address: zone ids (the '%' suffix) are not allowed
            1.2.3.4/32              | '1.2.3.4/32' is not a valid IP address: a prefix length is not allowed here; give a single address
            " 1.2.3.4"              | ' 1.2.3.4' is not a valid IP address: it contains whitespace or control characters
            "1.2.3.4 "              | '1.2.3.4 ' is not a valid IP address: it contains whitespace or control characters
            1.2.3.４                | '1.2.3.４' is not a valid IP address: it contains non-ASCII characters
            2001:db8::1::2          | '2001:db8::1::2' is not a valid IP address: it is not a valid IPv6 address
            2001:db8:::1            | '2001:db8:::1' is not a valid IP address: it is not a valid IPv6 address
            2001:db8::g             | '2001:db8::g' is not a valid IP address: it is not a valid IPv6 address
            1:2:3:4:5:6:7:8:9       | '1:2:3:4:5:6:7:8:9' is not a valid IP address: it is not a valid IPv6 address
            1:2:3:4:5:6:7           | '1:2:3:4:5:6:7' is not a valid IP address: it is not a valid IPv6 address
            2001:db8::12345         | '2001:db8::12345' is not a valid IP address: it is not a valid IPv6 address
            ::ffff:1.2.3.256        | '::ffff:1.2.3.256' is not a valid IP address: it is not a valid IPv6 address
            ::ffff:1.2.3            | '::ffff:1.2.3' is not a valid IP address: it is not a valid IPv6 address
            ::ffff:010.0.0.1        | '::ffff:010.0.0.1' is not a valid IP address: it is not a valid IPv6 address
            2001:db8::*             | '2001:db8::*' is not a valid IP address: it is not a valid IPv6 address
            1.2.3.*                 | '1.2.3.*' is not a valid IP address: it is not an IP address literal (host names are never resolved)
            1.2.3.0-255             | '1.2.3.0-255' is not a valid IP address: it is not an IP address literal (host names are never resolved)
            ":"                     | ':' is not a valid IP address: it is not a valid IPv6 address
            ":::"                   | ':::' is not a valid IP address: it is not a valid IPv6 address
            """)
    void rejectsWithExactReason(String input, String message) {
        assertThatThrownBy(() -> ClientIp.parse(input))
                .isInstanceOf(InvalidIpException.class)
                .hasMessage(message);
    }

    @Test
    void overlongInputIsRejectedAndShortenedInTheMessage() {
        String input = "1".repeat(10_000);
        assertThatThrownBy(() -> ClientIp.parse(input))
                .isInstanceOf(InvalidIpException.class)
                .hasMessage("'" + "1".repeat(64) + "…' is not a valid IP address: it is too long (10000 characters, at most 45)");
    }

    @Test
    void controlCharactersAreEscapedInTheMessage() {
        assertThatThrownBy(() -> ClientIp.parse("1.2.3.4\r\nX-Evil: 1"))
                .hasMessage("'1.2.3.4\\x0d\\x0aX-Evil: 1' is not a valid IP address: it contains whitespace or control characters");
    }

    @Test
    void reasonOmitsTheInput() {
        assertThatThrownBy(() -> ClientIp.parse("1.2.3.256"))
                .isInstanceOfSatisfying(InvalidIpException.class,
                        e -> assertThat(e.reason()).isEqualTo("part '256' is greater than 255"));
    }

    @Test
    void foldsMappedSocketAddressesAndDropsScopeIds() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 203, 0, 113, 7};
        assertThat(ClientIp.of(Inet6Address.getByAddress(null, mapped, 0))).hasToString("203.0.113.7");

        InetAddress scoped = Inet6Address.getByAddress(null, ClientIp.parse("fe80::1").toBytes(), 3);
        assertThat(ClientIp.of(scoped)).hasToString("fe80::1");
    }

    @Test
    void exposesTheAddressAsTwoLongsAndBytes() {
        ClientIp v4 = ClientIp.parse("203.0.113.7");
        assertThat(v4.isIpv4()).isTrue();
        assertThat(v4.high()).isZero();
        assertThat(v4.low()).isEqualTo(0xCB007107L);
        assertThat(v4.toBytes()).containsExactly(203, 0, 113, 7);

        ClientIp v6 = ClientIp.parse("2001:db8::1");
        assertThat(v6.version()).isEqualTo(IpVersion.IPV6);
        assertThat(v6.high()).isEqualTo(0x20010db800000000L);
        assertThat(v6.low()).isEqualTo(1L);
        assertThat(ClientIp.fromBytes(v6.toBytes())).isEqualTo(v6);
        assertThat(v6.toInetAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void rejectsByteArraysOfTheWrongLength() {
        assertThatThrownBy(() -> ClientIp.fromBytes(new byte[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an IP address has 4 or 16 bytes, not 5");
    }

    @Test
    void dottedQuadsParseAsTheLibraryReadsTheirBytes() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            int address = i < 256 ? i * 0x01010101 : random.nextInt();
            byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
            ClientIp fromLibrary = ClientIp.fromBytes(bytes);
            assertThat(IpLiterals.dottedQuad(fromLibrary.toString())).isEqualTo(Integer.toUnsignedLong(address));
            ClientIp parsed = ClientIp.parse(fromLibrary.toString());
            assertThat(parsed).isEqualTo(fromLibrary).hasToString(fromLibrary.toString());
            assertThat(parsed.low()).isEqualTo(Integer.toUnsignedLong(address));
            assertThat(parsed.high()).isZero();
            assertThat(parsed.isIpv4()).isTrue();
        }
    }

    @Test
    void canonicalIpv6ParsesAsTheLibraryReadsItsBytes() {
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            // Zero groups in every pattern, so that every run of them, and every tie, is compressed.
            int zeros = random.nextInt(256);
            for (int group = 0; group < 8; group++) {
                if ((zeros & 1 << group) != 0) {
                    bytes[2 * group] = 0;
                    bytes[2 * group + 1] = random.nextInt(4) == 0 ? (byte) random.nextInt(16) : 0;
                }
            }
            ClientIp fromLibrary = ClientIp.fromBytes(bytes);
            ClientIp parsed = ClientIp.parse(fromLibrary.toString());
            assertThat(parsed).isEqualTo(fromLibrary).hasToString(fromLibrary.toString());
            if (!fromLibrary.isIpv4()) {
                // The library's canonical text is the one the reader without it takes.
                assertThat(IpLiterals.canonicalIpv6(fromLibrary.toString())).as(fromLibrary.toString()).isNotNull();
            }
            assertThat(parsed.toBytes()).isEqualTo(fromLibrary.toBytes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8:0:0:1:0:0:1", "2001:DB8::1", "2001:0db8::1", "2001:db8:0::1", "::0:1",
            "1:0:0:0:0:0:0:0", "1:0:0:0:0:0:0::", "::ffff:cb00:7107", "2001:db8::1:0:0:0:1", "::1:0:0:0:0:0:0:0",
            "1::2::3", "1:2:3:4:5:6:7:8:9", "1:::2", "1:", ":1", "12345::", "::1.2.3.4", "fe80::1%eth0", "",
            "2001:db8::\uff14"})
    void onlyCanonicalIpv6IsReadWithoutTheLibrary(String text) {
        assertThat(IpLiterals.canonicalIpv6(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"::, 0, 0", "::1, 0, 1", "1::, 281474976710656, 0", "2001:db8::1:0:0:1, 2306139568115548160, 281474976710657",
            "1:2:3:4:5:6:7:8, 281483566841860, 1407400653815816"})
    void canonicalIpv6IsReadAsItsTwoHalves(String text, long high, long low) {
        assertThat(IpLiterals.canonicalIpv6(text)).containsExactly(high, low);
    }

    @Test
    void ordersIpv4BeforeIpv6ThenNumerically() {
        assertThat(ClientIp.parse("9.0.0.0")).isLessThan(ClientIp.parse("10.0.0.0"));
        assertThat(ClientIp.parse("255.255.255.255")).isLessThan(ClientIp.parse("::"));
        assertThat(ClientIp.parse("8000::")).isGreaterThan(ClientIp.parse("7fff::"));
    }
}
