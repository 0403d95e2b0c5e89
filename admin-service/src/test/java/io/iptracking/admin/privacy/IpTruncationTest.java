package io.iptracking.admin.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.ip.ClientIp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTruncationTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            203.0.113.77,                           203.0.113.0/24
            203.0.113.0,                            203.0.113.0/24
            ::ffff:203.0.113.77,                    203.0.113.0/24
            2001:db8:abcd:12:3456:789a:bcde:f012,   2001:db8:abcd::/48
            2001:db8:abcd::1,                       2001:db8:abcd::/48
            ::1,                                    ::/48
            """)
    void defaultsKeepTheIpv4Slash24AndTheIpv6Slash48(String ip, String truncated) {
        assertThat(IpTruncation.DEFAULT.truncate(ClientIp.parse(ip))).hasToString(truncated);
    }

    @Test
    void prefixesAreConfigurablePerFamily() {
        IpTruncation coarse = new IpTruncation(16, 32);
        assertThat(coarse.truncate(ClientIp.parse("203.0.113.77"))).hasToString("203.0.0.0/16");
        assertThat(coarse.truncate(ClientIp.parse("2001:db8:abcd::1"))).hasToString("2001:db8::/32");

        IpTruncation none = new IpTruncation(32, 128);
        assertThat(none.truncate(ClientIp.parse("203.0.113.77"))).hasToString("203.0.113.77/32");
        assertThat(none.truncate(ClientIp.parse("2001:db8::1"))).hasToString("2001:db8::1/128");

        IpTruncation all = new IpTruncation(0, 0);
        assertThat(all.truncate(ClientIp.parse("203.0.113.77"))).hasToString("0.0.0.0/0");
        assertThat(all.truncate(ClientIp.parse("2001:db8::1"))).hasToString("::/0");
    }

    @Test
    void theTruncatedRangeContainsTheAddress() {
        ClientIp ip = ClientIp.parse("2001:db8:abcd:12::99");
        assertThat(IpTruncation.DEFAULT.truncate(ip).contains(ip)).isTrue();
    }

    @Test
    void prefixesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new IpTruncation(33, 48))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("IPv4 truncation prefix must be between 0 and 32, was 33");
        assertThatThrownBy(() -> new IpTruncation(-1, 48))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("IPv4 truncation prefix must be between 0 and 32, was -1");
        assertThatThrownBy(() -> new IpTruncation(24, 129))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("IPv6 truncation prefix must be between 0 and 128, was 129");
    }
}
