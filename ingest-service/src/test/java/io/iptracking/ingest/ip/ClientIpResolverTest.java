package io.iptracking.ingest.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientIpResolverTest {

    private static final List<Cidr> TRUSTED = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:ffff::/48"));
    private static final ClientIp PROXY = ClientIp.parse("10.0.0.1");
    private static final ClientIp STRANGER = ClientIp.parse("198.51.100.9");

    private final ClientIpResolver xff = new ClientIpResolver(TRUSTED, ForwardedHeader.X_FORWARDED_FOR, 10);
    private final ClientIpResolver forwarded = new ClientIpResolver(TRUSTED, ForwardedHeader.FORWARDED, 10);

    @Test
    void untrustedPeerIsTheClientWhateverItClaims() {
        assertThat(xff.resolve(STRANGER, List.of("1.1.1.1"))).isEqualTo(STRANGER);
        assertThat(forwarded.resolve(STRANGER, List.of("for=1.1.1.1"))).isEqualTo(STRANGER);
    }

    @Test
    void noTrustedProxiesConfiguredMeansThePeerAlways() {
        ClientIpResolver none = new ClientIpResolver(List.of(), ForwardedHeader.X_FORWARDED_FOR, 10);
        assertThat(none.resolve(PROXY, List.of("203.0.113.7"))).isEqualTo(PROXY);
    }

    @Test
    void trustedPeerWithoutHeaderIsTheClient() {
        assertThat(xff.resolve(PROXY, List.of())).isEqualTo(PROXY);
    }

    @ParameterizedTest(name = "X-Forwarded-For: {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            203.0.113.7                              | 203.0.113.7
            203.0.113.7, 10.0.0.2                    | 203.0.113.7
            1.1.1.1, 203.0.113.7                     | 203.0.113.7
            1.1.1.1, 203.0.113.7, 10.0.0.3, 10.0.0.2 | 203.0.113.7
            "  203.0.113.7  ,10.0.0.2 "              | 203.0.113.7
            ::ffff:203.0.113.7                       | 203.0.113.7
            2001:db8::7, 2001:db8:ffff::1            | 2001:db8::7
            203.0.113.7:51234                        | 203.0.113.7
            [2001:db8::7]:443                        | 2001:db8::7
            [2001:db8::7]                            | 2001:db8::7
            1.1.1.1, unknown                         | 10.0.0.1
            1.1.1.1, unknown, 10.0.0.2               | 10.0.0.2
            1.1.1.1, _hidden                         | 10.0.0.1
            garbage                                  | 10.0.0.1
            ""                                       | 10.0.0.1
            "1.1.1.1,"                               | 10.0.0.1
            "1.1.1.1,,203.0.113.7"                   | 203.0.113.7
            203.0.113.7:abc                          | 10.0.0.1
            203.0.113.7:123456                       | 10.0.0.1
            [2001:db8::7                             | 10.0.0.1
            [2001:db8::7]x                           | 10.0.0.1
            fe80::1%eth0                             | 10.0.0.1
            10.0.0.0/8                               | 10.0.0.1
            1.1.1.1 203.0.113.7                      | 10.0.0.1
            localhost                                | 10.0.0.1
            10.0.0.5, 10.0.0.2                       | 10.0.0.5
            """)
    void walksXForwardedForFromTheRight(String header, String expected) {
        assertThat(xff.resolve(PROXY, List.of(header))).hasToString(expected);
    }

    @ParameterizedTest(name = "Forwarded: {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            for=203.0.113.7                                              | 203.0.113.7
            For=203.0.113.7                                              | 203.0.113.7
            for=203.0.113.7;proto=https;by=10.0.0.1                      | 203.0.113.7
            proto=https;for=203.0.113.7                                  | 203.0.113.7
            for=1.1.1.1, for=203.0.113.7, for=10.0.0.2                   | 203.0.113.7
            for="[2001:db8:cafe::17]:4711"                               | 2001:db8:cafe::17
            for="203.0.113.7:8080"                                       | 203.0.113.7
            for="203.0.113.7"                                            | 203.0.113.7
            for=unknown                                                  | 10.0.0.1
            for=_hidden, for=10.0.0.2                                    | 10.0.0.2
            for=1.1.1.1, proto=https                                     | 10.0.0.1
            for="[2001:db8::1]                                           | 10.0.0.1
            for                                                          | 10.0.0.1
            for=                                                         | 10.0.0.1
            """)
    void walksForwardedFromTheRight(String header, String expected) {
        assertThat(forwarded.resolve(PROXY, List.of(header))).hasToString(expected);
    }

    @Test
    void readsOnlyTheConfiguredHeaderKind() {
        // An X-Forwarded-For value handed to a Forwarded resolver has no for= parameter: not believed.
        assertThat(forwarded.resolve(PROXY, List.of("203.0.113.7"))).isEqualTo(PROXY);
    }

    @Test
    void severalHeaderLinesFormOneList() {
        assertThat(xff.resolve(PROXY, List.of("1.1.1.1, 203.0.113.7", "10.0.0.3"))).hasToString("203.0.113.7");
        assertThat(xff.resolve(PROXY, List.of("203.0.113.7", "10.0.0.3, 10.0.0.2"))).hasToString("203.0.113.7");
        assertThat(xff.resolve(PROXY, List.of("203.0.113.7", "198.51.100.1"))).hasToString("198.51.100.1");
    }

    @Test
    void spoofedLeftEntriesNeverReachedBehindAnUntrustedHop() {
        String forged = "127.0.0.1, 10.0.0.9, 203.0.113.7";
        assertThat(xff.resolve(PROXY, List.of(forged))).hasToString("203.0.113.7");
    }

    @Test
    void overlongChainsCostBoundedWorkAndNeverYieldAClientChosenAddress() {
        String[] hops = new String[100_000];
        Arrays.fill(hops, "10.1.2.3");
        hops[0] = "6.6.6.6";
        String header = String.join(",", hops);
        assertThat(xff.resolve(PROXY, List.of(header))).hasToString("10.1.2.3");

        String[] manyLines = new String[1000];
        Arrays.fill(manyLines, "10.1.2.3");
        manyLines[0] = "6.6.6.6";
        assertThat(xff.resolve(PROXY, List.of(manyLines))).hasToString("10.1.2.3");
    }

    @Test
    void hugeGarbageDoesNotThrow() {
        String junk = "\u0000\r\n[[[]]]:::;;==\"\"".repeat(10_000);
        assertThat(xff.resolve(PROXY, List.of(junk))).isEqualTo(PROXY);
        assertThat(forwarded.resolve(PROXY, List.of(junk))).isEqualTo(PROXY);
    }
}
