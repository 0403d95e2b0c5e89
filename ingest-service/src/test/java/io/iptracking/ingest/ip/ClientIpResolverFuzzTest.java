package io.iptracking.ingest.ip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the client-IP resolver and the {@code X-Forwarded-For} / {@code Forwarded} parsers with
 * whatever a client can write. Properties: nothing throws; whatever an untrusted peer sends, it is the
 * client; whatever a client writes before the address its trusted proxy appended, that address is the
 * client; every chain element passed on is an address, an obfuscated identifier or {@code unknown}.
 */
class ClientIpResolverFuzzTest {

    private static final List<Cidr> TRUSTED = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));
    private static final ClientIp PROXY = ClientIp.parse("10.0.0.1");

    @FuzzTest(maxDuration = "30s")
    void untrustedPeersChooseNothing(FuzzedDataProvider data) {
        ForwardedHeader kind = data.pickValue(ForwardedHeader.values());
        ClientIp stranger = untrustedAddress(data);
        List<String> lines = lines(data);
        ClientIpResolver resolver = new ClientIpResolver(TRUSTED, kind, 20);
        assertThat(resolver.resolve(stranger, lines)).isEqualTo(stranger);
    }

    @FuzzTest(maxDuration = "30s")
    void aClientCannotWriteLeftOfItsOwnAddress(FuzzedDataProvider data) {
        ForwardedHeader kind = data.pickValue(ForwardedHeader.values());
        ClientIp client = untrustedAddress(data);
        String forged = data.consumeRemainingAsString();
        String appended = kind == ForwardedHeader.FORWARDED
                ? "for=\"" + (client.isIpv4() ? client.toString() : "[" + client + "]") + "\""
                : client.toString();
        ClientIpResolver resolver = new ClientIpResolver(TRUSTED, kind, 20);
        assertThat(resolver.resolve(PROXY, List.of(forged + ", " + appended))).isEqualTo(client);
        assertThat(resolver.resolve(PROXY, List.of(forged, appended))).isEqualTo(client);
    }

    @FuzzTest(maxDuration = "30s")
    void parsersNeverThrowAndPassOnOnlyCleanElements(FuzzedDataProvider data) {
        ForwardedHeader kind = data.pickValue(ForwardedHeader.values());
        List<String> lines = lines(data);
        ClientIpResolver resolver = new ClientIpResolver(TRUSTED, kind, 20);
        for (String line : lines) {
            ClientIpResolver.parseNode(line);
            ClientIpResolver.parameter(line, "for");
        }
        ClientIp resolved = resolver.resolve(PROXY, lines);
        assertThat(resolved).isNotNull();
        List<String> chain = resolver.chain(lines);
        assertThat(chain).hasSizeLessThanOrEqualTo(20);
        for (String element : chain) {
            assertThat(element.matches("unknown|_[A-Za-z0-9._-]{1,64}") || ClientIp.parse(element).toString().equals(element))
                    .as(element).isTrue();
        }
    }

    private static ClientIp untrustedAddress(FuzzedDataProvider data) {
        byte[] bytes = data.consumeBoolean() ? data.consumeBytes(4) : data.consumeBytes(16);
        if (bytes.length != 4 && bytes.length != 16) {
            return ClientIp.parse("203.0.113.7");
        }
        ClientIp ip = ClientIp.fromBytes(bytes);
        return TRUSTED.stream().anyMatch(c -> c.contains(ip)) ? ClientIp.parse("203.0.113.7") : ip;
    }

    private static List<String> lines(FuzzedDataProvider data) {
        List<String> lines = new ArrayList<>();
        int count = data.consumeInt(0, 4);
        for (int i = 0; i < count; i++) {
            lines.add(data.consumeString(2000));
        }
        return lines;
    }
}
