package io.iptracking.ingest.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.ip.ClientIpResolver;
import io.iptracking.ingest.ip.ForwardedHeader;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;

/**
 * Fuzzes the forwarding headers the edge writes from what a trusted proxy (and the client behind it)
 * sent. Properties: nothing throws; no written value holds a control character or a quote outside the
 * RFC 7239 syntax; the chain passed on is bounded; from an untrusted peer nothing it sent appears.
 */
class ForwardingHeadersFuzzTest {

    private static final ClientIpResolver XFF = new ClientIpResolver(List.of(Cidr.parse("10.0.0.0/8")),
            ForwardedHeader.X_FORWARDED_FOR, 20);
    private static final ClientIpResolver RFC7239 = new ClientIpResolver(List.of(Cidr.parse("10.0.0.0/8")),
            ForwardedHeader.FORWARDED, 20);
    private static final ClientIp CLIENT = ClientIp.parse("203.0.113.7");

    @FuzzTest(maxDuration = "30s")
    void writtenHeadersAreCleanAndBounded(FuzzedDataProvider data) {
        ClientIpResolver resolver = data.consumeBoolean() ? RFC7239 : XFF;
        boolean trusted = data.consumeBoolean();
        ClientIp peer = ClientIp.parse(trusted ? "10.0.0.1" : "198.51.100.9");
        HttpFields.Mutable headers = HttpFields.build();
        for (String name : new String[] {"X-Forwarded-For", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host"}) {
            int lines = data.consumeInt(0, 3);
            for (int i = 0; i < lines; i++) {
                headers.add(name, data.consumeString(500));
            }
        }
        ForwardingHeaders written = ForwardingHeaders.of(resolver, true, peer, data.consumeBoolean(), "app.test", headers, CLIENT);
        for (String value : new String[] {written.xForwardedFor(), written.xForwardedProto(), written.xForwardedHost(),
                written.xRealIp(), written.forwarded()}) {
            assertThat(value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(value).isTrue();
        }
        assertThat(written.xForwardedFor().split(", ")).hasSizeLessThanOrEqualTo(21);
        assertThat(written.xForwardedProto()).isIn("http", "https");
        if (!trusted) {
            assertThat(written.xForwardedFor()).isEqualTo(peer.toString());
            assertThat(written.xForwardedHost()).isEqualTo("app.test");
        }
    }
}
