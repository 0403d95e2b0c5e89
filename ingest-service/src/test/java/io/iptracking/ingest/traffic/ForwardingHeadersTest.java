package io.iptracking.ingest.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.ip.ClientIpResolver;
import io.iptracking.ingest.ip.ForwardedHeader;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

class ForwardingHeadersTest {

    private static final List<Cidr> TRUSTED = List.of(Cidr.parse("10.0.0.0/8"));
    private static final ClientIp PROXY = ClientIp.parse("10.0.0.1");
    private static final ClientIp STRANGER = ClientIp.parse("198.51.100.9");
    private static final ClientIp CLIENT = ClientIp.parse("203.0.113.7");

    private final ClientIpResolver xff = new ClientIpResolver(TRUSTED, ForwardedHeader.X_FORWARDED_FOR, 5);
    private final ClientIpResolver rfc7239 = new ClientIpResolver(TRUSTED, ForwardedHeader.FORWARDED, 5);

    private static HttpFields headers(String... nameValues) {
        HttpFields.Mutable fields = HttpFields.build();
        for (int i = 0; i < nameValues.length; i += 2) {
            fields.add(nameValues[i], nameValues[i + 1]);
        }
        return fields;
    }

    @Test
    void fromAnUntrustedPeerNothingItClaimsIsPassedOn() {
        HttpFields forged = headers("X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.test",
                "Forwarded", "for=1.2.3.4;host=evil;proto=https");
        ForwardingHeaders written = ForwardingHeaders.of(xff, true, STRANGER, false, "app.test", forged, STRANGER);
        assertThat(written.xForwardedFor()).isEqualTo("198.51.100.9");
        assertThat(written.xForwardedProto()).isEqualTo("http");
        assertThat(written.xForwardedHost()).isEqualTo("app.test");
        assertThat(written.xRealIp()).isEqualTo("198.51.100.9");
        assertThat(written.forwarded()).isEqualTo("for=198.51.100.9;host=\"app.test\";proto=http");
    }

    @Test
    void theProtocolComesFromTheConnectionWhenNoTrustedProxySaysOtherwise() {
        assertThat(ForwardingHeaders.of(xff, false, STRANGER, true, "app.test", headers(), STRANGER).xForwardedProto())
                .isEqualTo("https");
        assertThat(ForwardingHeaders.of(xff, false, PROXY, false, "app.test", headers("X-Forwarded-Proto", "gopher"), CLIENT)
                .xForwardedProto()).as("a value that is no protocol is not believed").isEqualTo("http");
    }

    @Test
    void fromATrustedProxyTheChainIsExtendedWithEveryLineJoined() {
        HttpFields fromProxy = headers("X-Forwarded-For", "6.6.6.6, 203.0.113.7", "X-Forwarded-For", "10.0.0.9",
                "X-Forwarded-Proto", "HTTPS", "X-Forwarded-Host", "shop.test:8443");
        ForwardingHeaders written = ForwardingHeaders.of(xff, true, PROXY, false, "edge.internal", fromProxy, CLIENT);
        assertThat(written.xForwardedFor()).isEqualTo("6.6.6.6, 203.0.113.7, 10.0.0.9, 10.0.0.1");
        assertThat(written.xForwardedProto()).isEqualTo("https");
        assertThat(written.xForwardedHost()).isEqualTo("shop.test:8443");
        assertThat(written.xRealIp()).isEqualTo("203.0.113.7");
        assertThat(written.forwarded()).isEqualTo(
                "for=6.6.6.6, for=203.0.113.7, for=10.0.0.9, for=10.0.0.1;host=\"shop.test:8443\";proto=https");
    }

    @Test
    void chainElementsArePassedOnInCanonicalFormAndGarbageAsUnknown() {
        HttpFields fromProxy = headers("X-Forwarded-For", "[2001:DB8::7]:443, _hidden, <script>, ::ffff:203.0.113.7:80");
        ForwardingHeaders written = ForwardingHeaders.of(xff, true, PROXY, false, "app.test", fromProxy, CLIENT);
        assertThat(written.xForwardedFor()).isEqualTo("2001:db8::7, _hidden, unknown, unknown, 10.0.0.1");
        assertThat(written.forwarded()).startsWith("for=\"[2001:db8::7]\", for=_hidden, for=unknown, for=unknown, for=10.0.0.1;");
    }

    @Test
    void aLongChainIsCutToItsRightmostHops() {
        String chain = "1.1.1.1, ".repeat(10_000) + "203.0.113.7";
        ForwardingHeaders written = ForwardingHeaders.of(xff, false, PROXY, false, "app.test", headers("X-Forwarded-For", chain), CLIENT);
        assertThat(written.xForwardedFor()).isEqualTo("1.1.1.1, 1.1.1.1, 1.1.1.1, 1.1.1.1, 203.0.113.7, 10.0.0.1");
    }

    @Test
    void inForwardedModeTheClientsOwnXForwardedForIsIgnored() {
        HttpFields fromProxy = headers("X-Forwarded-For", "6.6.6.6", "Forwarded", "for=203.0.113.7;proto=https;host=shop.test");
        ForwardingHeaders written = ForwardingHeaders.of(rfc7239, false, PROXY, false, "edge.internal", fromProxy, CLIENT);
        assertThat(written.xForwardedFor()).isEqualTo("203.0.113.7, 10.0.0.1");
        assertThat(written.xForwardedProto()).isEqualTo("https");
        assertThat(written.xForwardedHost()).isEqualTo("shop.test");
        assertThat(written.forwarded()).isNull();
    }

    @Test
    void aClaimedHostThatIsNoHostIsNotBelieved() {
        HttpFields fromProxy = headers("X-Forwarded-Host", "evil.test\"; x=1");
        assertThat(ForwardingHeaders.of(xff, true, PROXY, false, "app.test", fromProxy, CLIENT).xForwardedHost()).isEqualTo("app.test");
    }
}
