package io.iptracking.detection.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The state format: stable (golden bytes), complete (round trip), and strict when read. */
class ClientWindowSerdeTest {

    static final ClientWindowSerde SERDE = new ClientWindowSerde();
    static final Counting COUNTING = new Counting(Set.of(401, 403), true);
    static final long MINUTE = 60_000;
    static final long T0 = 1_780_000_020_000L;

    static ClientWindow sample() {
        ClientWindow w = new ClientWindow(MINUTE, 128);
        Geo geo = new Geo("DE", "Germany", "Berlin", 52.5, 13.4, 3320L, "Telekom", false);
        w.add(new RequestFacts(T0, 200, "/shop", "curl/8", false, false, false), COUNTING, geo, Long.MIN_VALUE, 60);
        w.add(new RequestFacts(T0 + 1_500, 401, "/login", "curl/8", false, true, false), COUNTING, geo, Long.MIN_VALUE, 60);
        w.add(new RequestFacts(T0 + 61_000, 404, "/.env", null, false, true, false), COUNTING, geo, Long.MIN_VALUE, 60);
        w.quiet(FlagRule.SENSITIVE_PATH, T0 + 3_600_000);
        w.sampledAt(T0 + 61_000);
        return w;
    }

    /**
     * The bytes of {@link #sample()}: a change to the format fails here. Change {@link ClientWindowSerde#FORMAT}
     * and say in the README what an upgrade does before changing these bytes.
     */
    static final String GOLDEN = "02e0d4030000019e7045c46800000000000000000000019e7045c468000102444501074765726d616e7901064265726c696e"
            + "01404a40000000000001402acccccccccccd01f819010754656c656b6f6d010e53454e5349544956455f504154480000019e"
            + "707bc4a0020000000001c4ad6b00025b0101010200dc0b01dc0b41412a880000000002c8010191030101017d0101010101e8"
            + "070001ecd00341ea607db20000000194030180010326315ce1e9356d67c8dc037e93fba0bc7adda8ecd003aef81e7735de8f"
            + "42001002d26c0650abb48cffecd00300000000000000000003052f2e656e76001b062f6c6f67696eecd00317052f73686f70"
            + "c8dc0301";

    @Test
    void theFormatIsStable() {
        assertThat(HexFormat.of().formatHex(SERDE.serialize("t", sample()))).isEqualTo(GOLDEN);
    }

    @Test
    void whatIsWrittenReadsBackTheSame() {
        ClientWindow w = sample();
        ClientWindow read = SERDE.deserialize("t", SERDE.serialize("t", w));
        assertThat(read.summary(60)).isEqualTo(w.summary(60));
        assertThat(read.quietUntil()).isEqualTo(w.quietUntil());
        assertThat(read.geo()).isEqualTo(w.geo());
        assertThat(read.lastSeen()).isEqualTo(w.lastSeen());
        assertThat(read.sampledAt()).isEqualTo(w.sampledAt());
        for (Kind kind : Kind.values()) {
            assertThat(read.samplePaths(kind, Long.MIN_VALUE, 5)).as(kind.name()).isEqualTo(w.samplePaths(kind, Long.MIN_VALUE, 5));
        }
        assertThat(SERDE.serialize("t", read)).isEqualTo(SERDE.serialize("t", w));
    }

    @Test
    void aWindowWrittenAfterEveryRequestIsWrittenAsOneWrittenOnceAtTheEnd() {
        // The kept encodings of buckets and geo must follow every change: the same requests give the same
        // bytes whether the window was written after each (as detection does) or only at the end.
        ClientWindow eachTime = new ClientWindow(MINUTE, 128);
        ClientWindow once = new ClientWindow(MINUTE, 128);
        Geo berlin = new Geo("DE", "Germany", "Berlin", 52.5, 13.4, 3320L, "Telekom", false);
        Geo paris = new Geo("FR", "France", "Paris", 48.9, 2.35, 3215L, "Orange", false);
        for (int i = 0; i < 300; i++) {
            // Several requests per bucket, some late (into an earlier bucket), statuses beyond the kept four,
            // and the geo changing back and forth.
            long at = T0 + i * 7_000L - (i % 5 == 4 ? 90_000 : 0);
            RequestFacts r = new RequestFacts(at, 200 + (i % 7) * 50, "/p/" + (i % 40), i % 3 == 0 ? null : "agent/" + (i % 4),
                    i % 2 == 0, i % 11 == 0, false);
            Geo geo = (i / 10) % 2 == 0 ? berlin : paris;
            eachTime.add(r, COUNTING, geo, at - 3_600_000, 60);
            once.add(r, COUNTING, geo, at - 3_600_000, 60);
            SERDE.serialize("t", eachTime);
        }
        assertThat(SERDE.serialize("t", eachTime)).isEqualTo(SERDE.serialize("t", once))
                .isEqualTo(SERDE.serialize("t", SERDE.deserialize("t", SERDE.serialize("t", once))));
    }

    @Test
    void anUnknownFormatOrATruncatedRecordIsRefusedNotGuessed() {
        byte[] bytes = SERDE.serialize("t", sample());
        byte[] other = bytes.clone();
        other[0] = 1;
        assertThatThrownBy(() -> SERDE.deserialize("t", other)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown client window format 1");
        for (int length : new int[] {1, 10, bytes.length / 2, bytes.length - 1}) {
            assertThatThrownBy(() -> SERDE.deserialize("t", Arrays.copyOf(bytes, length))).as("%d bytes", length)
                    .isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void aForgedNegativeOffsetIsRefusedAndTheStoreReadsAnUnreadableWindowAsAbsent() {
        // Format, bucket width, three longs, an empty geo, no cool-down, one bucket at index 0, then a
        // second bucket whose index delta is negative (a ten-byte variable-length -1).
        byte[] forged = HexFormat.of().parseHex("02e0d403" + "00".repeat(24) + "00".repeat(8) + "00" + "02" + "00".repeat(8)
                + "00" + "01" + "00" + "00" + "00" + "ffffffffffffffffff01" + "01");
        assertThatThrownBy(() -> SERDE.deserialize("t", forged)).isInstanceOf(SerializationException.class);
        assertThat(ClientWindowSerde.forStore().deserialize("t", forged)).isNull();
        assertThat(ClientWindowSerde.forStore().deserialize("t", SERDE.serialize("t", sample()))).isNotNull();
    }

    @Test
    void aForgedCountCannotMakeTheReaderAllocateWithoutLimit() {
        // Format, bucket width, three longs, an empty geo (8 bytes), no cool-down, then two billion buckets.
        byte[] forged = HexFormat.of().parseHex("02e0d403" + "00".repeat(24) + "00".repeat(8) + "00" + "ffffffff07");
        assertThatThrownBy(() -> SERDE.deserialize("t", forged)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("exceeds");
    }
}
