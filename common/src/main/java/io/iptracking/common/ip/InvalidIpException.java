package io.iptracking.common.ip;

/**
 * Thrown when text is not a valid IP address or CIDR literal. The message names the input (shortened
 * and with control characters escaped, since it often comes from a hostile header) and the reason.
 */
public final class InvalidIpException extends IllegalArgumentException {

    private static final int MAX_SHOWN = 64;

    private final String reason;

    InvalidIpException(String kind, String input, String reason) {
        super("'" + printable(input) + "' is not a valid " + kind + ": " + reason);
        this.reason = reason;
    }

    /** The reason alone, without the input: safe to return to a client. */
    public String reason() {
        return reason;
    }

    static String printable(String input) {
        if (input == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < input.length() && out.length() < MAX_SHOWN; i++) {
            char c = input.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX_SHOWN && input.length() > MAX_SHOWN) {
            out.append('…');
        }
        return out.toString();
    }
}
