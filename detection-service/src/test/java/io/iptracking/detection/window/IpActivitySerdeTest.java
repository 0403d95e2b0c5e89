package io.iptracking.detection.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class IpActivitySerdeTest {

    static final IpActivitySerde SERDE = new IpActivitySerde();
    static final Geo GEO = new Geo("DE", "Germany", "Köln", 50.94, 6.96, 4_200_000_000L, "Beispiel GmbH", false);

    @Test
    void roundTripsEverythingTheRulesUse() {
        IpActivity a = new IpActivity();
        a.add(1_000, 200, "/", "agent-a", false, false, false, Geo.UNKNOWN);
        a.add(3_000, 404, "/ä/" + "x".repeat(70_000), null, true, false, false, GEO);
        a.add(2_000, 0, "/admin", "agent-b", false, true, false, Geo.PRIVATE);
        a.add(2_500, 403, "/login", "agent-b", false, true, true, Geo.PRIVATE);
        a.quiet(FlagRule.SCANNING, 99_000);
        a.sample(new double[] {1.5, 0, Double.MIN_VALUE}, 2_500);

        IpActivity back = SERDE.deserialize("t", SERDE.serialize("t", a));

        assertThat(back.hits()).hasSize(4).extracting(Hit::at).containsExactly(1_000L, 2_000L, 2_500L, 3_000L);
        assertThat(back.hits()).extracting(Hit::refusedByEdge).containsExactly(false, false, true, false);
        for (int i = 0; i < 4; i++) {
            assertThat(back.path(back.hit(i).path())).isEqualTo(a.path(a.hit(i).path()));
            assertThat(back.agent(back.hit(i).agent())).isEqualTo(a.agent(a.hit(i).agent()));
            assertThat(back.hit(i).status()).isEqualTo(a.hit(i).status());
            assertThat(back.hit(i).authenticated()).isEqualTo(a.hit(i).authenticated());
            assertThat(back.hit(i).sensitive()).isEqualTo(a.hit(i).sensitive());
        }
        assertThat(back.geo()).isEqualTo(GEO);
        assertThat(back.lastSeen()).isEqualTo(3_000);
        assertThat(back.quietUntil()).containsExactly(java.util.Map.entry(FlagRule.SCANNING, 99_000L));
        assertThat(back.sample()).containsExactly(1.5, 0, Double.MIN_VALUE);
        assertThat(back.sampledAt()).isEqualTo(2_500);
    }

    @Test
    void keepsOnlyTheDictionaryEntriesOfKeptRequests() {
        IpActivity a = new IpActivity();
        for (int i = 0; i < 200; i++) {
            a.add(i, 404, "/probe/" + i, "scanner/" + (i % 3), false, false, false, Geo.UNKNOWN);
        }
        int full = SERDE.serialize("t", a).length;
        a.forgetBefore(190);
        IpActivity back = SERDE.deserialize("t", SERDE.serialize("t", a));
        assertThat(SERDE.serialize("t", a).length).isLessThan(full / 10);
        assertThat(back.hits()).hasSize(10);
        assertThat(back.path(back.hit(0).path())).isEqualTo("/probe/190");
        assertThat(back.pathCount()).isEqualTo(10);
    }

    @Test
    void refusesAnUnknownFormatAndTruncatedBytes() {
        assertThatThrownBy(() -> SERDE.deserialize("changelog", new byte[] {9})).isInstanceOf(SerializationException.class)
                .hasMessage("unknown IpActivity format 9 in changelog");
        byte[] bytes = SERDE.serialize("t", new IpActivity());
        assertThatThrownBy(() -> SERDE.deserialize("changelog", java.util.Arrays.copyOf(bytes, 5)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("truncated");
    }
}
