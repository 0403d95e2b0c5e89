package io.iptracking.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeySerdesTest {

    private final ClientIpSerde ips = new ClientIpSerde();
    private final CidrSerde cidrs = new CidrSerde();

    @ParameterizedTest
    @CsvSource({"203.0.113.7, 203.0.113.7", "::ffff:203.0.113.7, 203.0.113.7", "2001:DB8:0:0:0:0:0:1, 2001:db8::1"})
    void anIpKeyIsItsCanonicalText(String input, String canonical) {
        byte[] bytes = ips.serialize("t", ClientIp.parse(input));
        assertThat(new String(bytes, UTF_8)).isEqualTo(canonical);
        assertThat(ips.deserialize("t", bytes)).isEqualTo(ClientIp.parse(input));
    }

    @ParameterizedTest
    @CsvSource({"10.1.2.3/8, 10.0.0.0/8", "203.0.113.7, 203.0.113.7/32", "2001:DB8::/32, 2001:db8::/32"})
    void aCidrKeyIsItsCanonicalTextWithPrefix(String input, String canonical) {
        byte[] bytes = cidrs.serialize("t", Cidr.parse(input));
        assertThat(new String(bytes, UTF_8)).isEqualTo(canonical);
        assertThat(cidrs.deserialize("t", bytes)).isEqualTo(Cidr.parse(canonical));
    }

    @Test
    void nullKeysPassThrough() {
        assertThat(ips.serialize("t", null)).isNull();
        assertThat(ips.deserialize("t", null)).isNull();
        assertThat(cidrs.deserialize("t", null)).isNull();
    }

    @Test
    void aBadIpKeyThrowsSerializationExceptionWithTheReason() {
        assertThatThrownBy(() -> ips.deserialize(Topics.REQUESTS.name(), "example.com".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot deserialize ClientIp from topic " + Topics.REQUESTS.name() + ": 'example.com' is not a valid"
                        + " IP address: it is not an IP address literal (host names are never resolved)");
    }

    @Test
    void aBadCidrKeyThrowsSerializationExceptionWithTheReason() {
        assertThatThrownBy(() -> cidrs.deserialize(Topics.BLOCKLIST.name(), "10.0.0.0/33".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot deserialize Cidr from topic " + Topics.BLOCKLIST.name() + ": '10.0.0.0/33' is not a valid CIDR:"
                        + " prefix length 33 is out of range for IPv4 (0-32)");
    }

    @Test
    void invalidUtf8IsABadKeyNotACrash() {
        assertThatThrownBy(() -> ips.deserialize("t", new byte[] {(byte) 0xFF, (byte) 0xFE}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("it contains non-ASCII characters");
    }
}
