package io.iptracking.common.text;

/**
 * The one rule for text that is stored and shown as it is (a request's path in an event, a flag's
 * reason, an operator's reason): no control character (C0, DEL, C1), no Unicode line or paragraph
 * separator, which would let a value forge a line in a log or a report (and PostgreSQL refuses
 * {@code NUL}), and no unpaired surrogate, so that it encodes to valid UTF-8. Text a person types
 * into the admin API is also refused the invisible formatting characters (Unicode category Cf:
 * bidirectional embeddings, overrides, isolates and marks, which make a text read differently from
 * what it holds; zero-width spaces, word joiners, byte-order marks, tag characters, which hide text),
 * except the zero-width joiner and non-joiner that some scripts need.
 */
public final class SafeText {

    private SafeText() {
    }

    /**
     * The first {@code max} characters, one less when the cut would split a surrogate pair, so that
     * what is kept is still well-formed; null stays null. What marks the cut, if anything, is the
     * caller's to add.
     */
    public static String cap(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max);
    }

    /** The index of the first character the rule refuses, or -1 when there is none. */
    public static int firstRefused(String text, boolean personTyped) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (refused(c, personTyped)) {
                return i;
            }
            i += Character.charCount(c);
        }
        return -1;
    }

    /** The text with each refused character replaced by U+FFFD. */
    public static String replaceRefused(String text, boolean personTyped) {
        if (firstRefused(text, personTyped) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(refused(c, personTyped) ? 0xFFFD : c));
        return out.toString();
    }

    /** A code point the rule refuses; a lone surrogate is one ({@link String#codePointAt} returns it alone). */
    private static boolean refused(int c, boolean personTyped) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
            case Character.FORMAT -> personTyped && c != 0x200C && c != 0x200D;
            default -> false;
        };
    }
}
