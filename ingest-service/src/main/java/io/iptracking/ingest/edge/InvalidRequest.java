package io.iptracking.ingest.edge;

/**
 * A request the edge refuses before any rule because it cannot be understood completely: what the
 * rules would see might differ from what the application resolves. The {@link Reason} says why; it
 * is the rule of the request's event and a metric label.
 *
 * <p>Thrown only while a request is read, and without a stack trace: a client can make the edge
 * throw one per request, so it must cost no more than a refusal.
 */
public final class InvalidRequest extends RuntimeException {

    private final Reason reason;

    public InvalidRequest(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Why a request was refused, with the status it gets and its name in events and metrics. */
    public enum Reason {
        /** The request target is longer than {@code ingest.request.max-target-length}. */
        TARGET_TOO_LONG(414, "target-too-long"),
        /** Not an origin-form target ({@code /path?query}); {@code *} and authority forms are handled apart. */
        NOT_ORIGIN_FORM(400, "not-origin-form"),
        /** A {@code %} not followed by two hex digits. */
        BAD_ENCODING(400, "bad-encoding"),
        /** Percent-decoded bytes that are not UTF-8 (overlong forms and surrogates included). */
        BAD_UTF8(400, "bad-utf8"),
        /** A control character (C0, DEL, C1) or a Unicode line or paragraph separator. */
        CONTROL_CHARACTER(400, "control-character"),
        /** A character no request target may hold ({@code #}, a backslash). */
        BAD_CHARACTER(400, "bad-character"),
        /** An encoded separator ({@code %2F}, {@code %5C}): servers disagree on whether it splits the path. */
        AMBIGUOUS_SEPARATOR(400, "ambiguous-separator"),
        /**
         * A dot segment with parameters ({@code ..;x}) or a segment of dots only ({@code ...}): some servers
         * resolve them as dot segments, others as names.
         */
        AMBIGUOUS_SEGMENT(400, "ambiguous-segment"),
        /** A {@code %XX} that is still there after decoding: a server that decodes twice would see another path. */
        DOUBLE_ENCODING(400, "double-encoding"),
        /** A method that is not an HTTP token or is too long. */
        BAD_METHOD(400, "bad-method"),
        /** {@code CONNECT}: the edge is not a forward proxy. */
        METHOD_NOT_ALLOWED(405, "method-not-allowed"),
        /** A Host (or forwarded host) that is not a host name or address with an optional port. */
        BAD_HOST(400, "bad-host"),
        /** A header the rules read (User-Agent, Authorization) with a control character, or too long. */
        BAD_HEADER(400, "bad-header"),
        /** Two lines of a header that must appear once (Host, User-Agent, Authorization). */
        DUPLICATE_HEADER(400, "duplicate-header"),
        /** More header lines than {@code ingest.request.max-headers}. */
        TOO_MANY_HEADERS(431, "too-many-headers"),
        /** A forward-auth check without the header that carries the original method or URI. */
        MISSING_CHECK_HEADER(400, "missing-check-header"),
        /** A forward-auth check from an address that is not a trusted proxy: its headers are never read. */
        UNTRUSTED_CHECK_CALLER(403, "untrusted-check-caller"),
        /**
         * Refused by Jetty before the edge could read it (a malformed request line or header, headers
         * too large); the status is Jetty's (400, 414, 431, 505…), the one here only a placeholder.
         */
        UNPARSED(400, "unparsed");

        private final int status;
        private final String tag;

        Reason(int status, String tag) {
            this.status = status;
            this.tag = tag;
        }

        /** The HTTP status the client gets. */
        public int status() {
            return status;
        }

        /** The reason's name in events ({@code rule}) and metrics ({@code rule} label). */
        public String tag() {
            return tag;
        }
    }
}
