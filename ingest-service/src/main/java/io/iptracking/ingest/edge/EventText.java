package io.iptracking.ingest.edge;

import java.nio.charset.StandardCharsets;

/**
 * Bounds the strings a request event carries, so that one client cannot make an event, the queue in
 * front of Kafka or a downstream store grow with what it sends.
 */
public final class EventText {

    private EventText() {
    }

    /**
     * Text of a request the edge refused as invalid, safe to publish: every character outside printable
     * ASCII is percent-encoded (its UTF-8 bytes; an unpaired surrogate as {@code %3F}), and the result
     * is cut to {@code max} characters. A {@code %} the request held stays as it is: this is for reading,
     * not for decoding. Null stays null.
     */
    public static String printable(String s, int max) {
        if (s == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 8);
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (c > 0x20 && c < 0x7f) {
                out.append(c);
                continue;
            }
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            appendPercentEncoded(out, pair ? s.substring(i, i + 2) : Character.isSurrogate(c) ? "?" : String.valueOf(c));
            if (pair) {
                i++;
            }
        }
        return out.length() <= max ? out.toString() : out.substring(0, max);
    }

    /** Appends the UTF-8 bytes of {@code chars} as {@code %XX} escapes, upper-case hex (RFC 3986 section 2.1). */
    static void appendPercentEncoded(StringBuilder out, String chars) {
        for (byte b : chars.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
