package io.iptracking.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void capKeepsAtMostMaxCharactersAndNeverHalfAPair() {
        assertThat(SafeText.cap(null, 3)).isNull();
        assertThat(SafeText.cap("abc", 3)).isEqualTo("abc");
        assertThat(SafeText.cap("abcd", 3)).isEqualTo("abc");
        String emoji = "\ud83d\ude00";
        assertThat(SafeText.cap("ab" + emoji, 3)).as("the pair would be split").isEqualTo("ab");
        assertThat(SafeText.cap("a" + emoji + "b", 3)).isEqualTo("a" + emoji);
        assertThat(SafeText.firstRefused(SafeText.cap(emoji.repeat(1_000), 999), true)).isEqualTo(-1);
    }

    @Test
    void personTypedTextAlsoRefusesInvisibleFormattingButKeepsJoiners() {
        assertThat(SafeText.firstRefused("a\u202eb", false)).isEqualTo(-1);
        assertThat(SafeText.firstRefused("a\u202eb", true)).isEqualTo(1);
        assertThat(SafeText.firstRefused("a\u200db\u200cc", true)).isEqualTo(-1);
        assertThat(SafeText.firstRefused("a\u2028b", false)).isEqualTo(1);
        assertThat(SafeText.firstRefused("a\ud800b", false)).as("half a pair").isEqualTo(1);
        assertThat(SafeText.replaceRefused("a\u200bb\tc", true)).isEqualTo("a\ufffdb\ufffdc");
    }
}
