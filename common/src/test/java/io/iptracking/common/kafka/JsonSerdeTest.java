package io.iptracking.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.testing.ContractSamples;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    private static final String TOPIC = Topics.FLAGGED.name();

    private final JsonSerde<FlaggedIp> serde = new JsonSerde<>(FlaggedIp.class);

    @Test
    void roundTripsThroughBytes() {
        FlaggedIp flag = ContractSamples.flaggedIp();
        byte[] bytes = serde.serializer().serialize(TOPIC, flag);
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(flag);
        assertThat(serde.deserializer().deserialize(TOPIC, new RecordHeaders(), bytes)).isEqualTo(flag);
    }

    @Test
    void aTombstoneIsNullBothWays() {
        JsonSerde<ListEntry> entries = Topics.BLOCKLIST.valueSerde() instanceof JsonSerde<ListEntry> s ? s : null;
        assertThat(entries).isNotNull();
        assertThat(entries.deserialize(Topics.BLOCKLIST.name(), null)).isNull();
        assertThat(entries.serialize(Topics.BLOCKLIST.name(), null)).isNull();
    }

    @Test
    void garbageBytesThrowSerializationExceptionNamingTypeAndTopic() {
        byte[] garbage = {(byte) 0xC3, 0x28, 0x00, 0x7F, 0x01};
        assertThatThrownBy(() -> serde.deserialize(TOPIC, garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot deserialize FlaggedIp from topic " + TOPIC + " (5 bytes): ");
    }

    @Test
    void emptyBytesAreNotATombstone() {
        assertThatThrownBy(() -> serde.deserialize(TOPIC, new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot deserialize FlaggedIp from topic " + TOPIC + " (0 bytes): ");
    }

    @Test
    void theJsonLiteralNullIsAnErrorNotANullValue() {
        assertThatThrownBy(() -> serde.deserialize(TOPIC, "null".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot deserialize FlaggedIp from topic " + TOPIC + ": the value is the JSON literal null;"
                        + " a tombstone is a record with no value at all");
    }

    @Test
    void anInvalidValueSaysWhichFieldIsWrong() {
        String json = new String(serde.serialize(TOPIC, ContractSamples.flaggedIp()), UTF_8)
                .replace("\"ip\":\"203.0.113.7\"", "\"ip\":\"203.0.113.256\"");
        assertThatThrownBy(() -> serde.deserialize(TOPIC, json.getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot deserialize FlaggedIp from topic " + TOPIC + " (")
                .hasMessageContaining("'203.0.113.256' is not a valid IP address: part '256' is greater than 255");
    }

    @Test
    void theMessageNeverQuotesThePayload() {
        String json = new String(serde.serialize(TOPIC, ContractSamples.flaggedIp()), UTF_8);
        byte[] truncated = json.substring(0, json.length() - 40).getBytes(UTF_8);
        assertThatThrownBy(() -> serde.deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .message().doesNotContain("203.0.113.7");
    }

    @Test
    void trailingContentIsRejected() {
        byte[] two = (new String(serde.serialize(TOPIC, ContractSamples.flaggedIp()), UTF_8) + "{}").getBytes(UTF_8);
        assertThatThrownBy(() -> serde.deserialize(TOPIC, two)).isInstanceOf(SerializationException.class);
    }

    @Test
    void isItsOwnSerializerAndDeserializer() {
        assertThat(serde.serializer()).isSameAs(serde);
        assertThat(serde.deserializer()).isSameAs(serde);
        assertThat(serde.type()).isEqualTo(FlaggedIp.class);
        assertThat(serde).hasToString("JsonSerde[FlaggedIp]");
    }
}
