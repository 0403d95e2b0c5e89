package io.iptracking.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.testing.ContractSamples;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DatabindException;

class UtcInstantsTest {

    @Test
    void readsWhatIsoInstantWritesAsIsoInstantReadsIt() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++) {
            // 0001-01-01 to 9999-12-31, with 0 to 9 fractional digits.
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_800L),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000) / (int) Math.pow(10, random.nextInt(9)));
            String text = DateTimeFormatter.ISO_INSTANT.format(instant);
            assertThat(UtcInstants.parse(text)).as(text).isEqualTo(instant).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void readsEveryNumberOfFractionalDigitsAsIsoInstantDoes() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            String seconds = DateTimeFormatter.ISO_INSTANT.format(
                    Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_800L)));
            StringBuilder fraction = new StringBuilder();
            for (int d = 1 + random.nextInt(9); d > 0; d--) {
                fraction.append((char) ('0' + random.nextInt(10)));
            }
            String text = seconds.substring(0, seconds.length() - 1) + "." + fraction + "Z";
            assertThat(UtcInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEveryVariantOfTheFormToTheFormatter() {
        SplittableRandom random = new SplittableRandom(4);
        String alphabet = "0123456789-:.TZz+ ";
        for (int i = 0; i < 200_000; i++) {
            char[] text = "2024-02-29T23:59:59.123456789Z".substring(0, 20 + random.nextInt(11)).toCharArray();
            if (text.length > 20) {
                text[text.length - 1] = 'Z';
            }
            for (int m = 0; m <= random.nextInt(3); m++) {
                text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String s = new String(text);
            Instant fast = UtcInstants.parse(s);
            if (fast != null) {
                assertThat(fast).as(s).isEqualTo(Instant.parse(s));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-05-04T24:00:00Z",
            "2026-05-04T23:59:60Z", "2026-05-04T10:15:30.Z", "2026-05-04T10:15:30.1234567890Z",
            "2026-05-04T10:15:30z", "2026-05-04 10:15:30Z", "2026-05-04T10:15:30+02:00", "+12026-05-04T10:15:30Z",
            "2026-5-04T10:15:30Z", "2026-13-04T10:15:30Z", "2026-00-04T10:15:30Z", "2026-05-00T10:15:30Z"})
    void otherTextIsNotItsToRead(String text) {
        assertThat(UtcInstants.parse(text)).isNull();
    }

    @Test
    void theMapperStillReadsOffsetsAndRefusesImpossibleDates() {
        String json = Json.mapper().writeValueAsString(ContractSamples.requestEvent());
        String timestamp = "\"" + ContractSamples.requestEvent().timestamp() + "\"";
        assertThat(Json.mapper().readValue(json.replace(timestamp, "\"2026-05-04T12:15:30+02:00\""), RequestEvent.class)
                .timestamp()).isEqualTo(Instant.parse("2026-05-04T10:15:30Z"));
        assertThatThrownBy(() -> Json.mapper().readValue(json.replace(timestamp, "\"2026-02-30T00:00:00Z\""), RequestEvent.class))
                .isInstanceOf(DatabindException.class)
                .hasRootCauseInstanceOf(DateTimeException.class);
    }
}
