package io.iptracking.ingest.edge;

import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.text.SafeText;
import io.iptracking.ingest.edge.InvalidRequest.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request target as the edge understands it, computed once from the whole target: the rules, the
 * request event and the upstream all see the same path.
 *
 * <p>Clients disguise a sensitive path to slip past a rule ({@code //admin}, {@code /x/../admin},
 * {@code /%61dmin}, {@code /admin;x=1}, {@code /ADMIN}, {@code /admin.}), and servers disagree on some
 * spellings ({@code %2F}, {@code ..;}, {@code %252e}, a backslash). So the edge decodes the path once,
 * refuses what servers read differently ({@link InvalidRequest}), resolves dot segments (never above
 * the root) and drops empty segments, and then <em>forwards the result</em>, re-encoded one fixed way,
 * instead of the client's spelling. Why the upstream cannot see another path than the rules:
 * <ol>
 *   <li>{@link #path()} holds no dot segment, no empty segment, no encoded separator, no {@code %XX}
 *       that decodes to another {@code %XX}, and every byte outside the characters a path may hold
 *       literally is percent-encoded, so it decodes to exactly one sequence of segments on any server
 *       that decodes once and splits on {@code /};</li>
 *   <li>canonicalizing {@link #path()} again gives {@link #path()} and the same {@link #rulePath()}
 *       (tested for every fixture and fuzzed: {@code RequestTargetFuzzTest});</li>
 *   <li>{@link #rulePath()} is a function of those segments that can only merge paths, never tell apart
 *       two spellings a server might take as one: it lower-cases, drops {@code ;} parameters, trailing
 *       dots and spaces of a segment (Windows servers ignore them) and a trailing slash. A server that
 *       is case-sensitive or keeps parameters sees a more specific path than the rule counted, never a
 *       path the rule missed.</li>
 * </ol>
 *
 * @param path the canonical path, case and parameters kept, percent-encoded: what the upstream receives
 * @param query the query string as received (without {@code ?}), or null; the upstream receives it as is
 * @param rulePath what rate-limit rules match and request events record: decoded, lower-cased, without
 *     parameters or trailing slash
 */
public record RequestTarget(String path, String query, String rulePath) {

    /** An event carries at most this much of {@link #rulePath()}; rules always see all of it. */
    public static final int MAX_EVENT_PATH = RequestEvent.MAX_PATH;

    /** {@code OPTIONS *}: the server itself, not a resource. */
    public static final RequestTarget ASTERISK = new RequestTarget("*", null, "*");

    /**
     * @param target the request target in origin form ({@code /path?query}), as received
     * @param maxLength targets longer than this are refused ({@link Reason#TARGET_TOO_LONG})
     * @throws InvalidRequest if the target cannot be canonicalized completely
     */
    public static RequestTarget canonicalize(String target, int maxLength) {
        if (target == null || target.isEmpty()) {
            throw new InvalidRequest(Reason.NOT_ORIGIN_FORM, "empty request target");
        }
        if (target.length() > maxLength) {
            throw new InvalidRequest(Reason.TARGET_TOO_LONG, "request target of " + target.length() + " characters");
        }
        if (target.charAt(0) != '/') {
            throw new InvalidRequest(Reason.NOT_ORIGIN_FORM, "request target does not start with /");
        }
        int queryAt = -1;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (isControl(c)) {
                throw new InvalidRequest(Reason.CONTROL_CHARACTER, "control character in the request target");
            }
            if (c == ' ' || c == '#' || (c == '\\' && queryAt < 0)) {
                throw new InvalidRequest(Reason.BAD_CHARACTER, "'" + c + "' in the request target");
            }
            if (c == '?' && queryAt < 0) {
                queryAt = i;
            }
        }
        String rawPath = queryAt < 0 ? target : target.substring(0, queryAt);
        String query = queryAt < 0 ? null : canonicalQuery(target.substring(queryAt + 1));
        return fromDecodedPath(decode(rawPath), query, true);
    }

    /** {@link #canonicalize} without the shortcut for paths that are already canonical, for tests. */
    static RequestTarget canonicalizeWithoutShortcut(String target) {
        RequestTarget shortcut = canonicalize(target, Integer.MAX_VALUE);
        int queryAt = target.indexOf('?');
        return fromDecodedPath(decode(queryAt < 0 ? target : target.substring(0, queryAt)), shortcut.query(), false);
    }

    /** The start of {@link #rulePath()} that request events carry. */
    public String eventPath() {
        return SafeText.cap(rulePath, MAX_EVENT_PATH);
    }

    /** The target the upstream receives: {@link #path()} and the query as received. */
    public String forwardedPathQuery() {
        return query == null ? path : path + "?" + query;
    }

    private static RequestTarget fromDecodedPath(String decoded, String query, boolean shortcut) {
        if (shortcut && isAlreadyCanonical(decoded)) {
            // Most paths (/products/42, /static/app.js): nothing to resolve or encode.
            String rules = decoded.length() > 1 && decoded.endsWith("/") ? decoded.substring(0, decoded.length() - 1) : decoded;
            return new RequestTarget(decoded, query, rules.toLowerCase(Locale.ROOT));
        }
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (start <= decoded.length()) {
            int slash = decoded.indexOf('/', start);
            int end = slash < 0 ? decoded.length() : slash;
            String segment = decoded.substring(start, end);
            start = end + 1;
            if (segment.isEmpty()) {
                continue;
            }
            int semicolon = segment.indexOf(';');
            String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
            if (name.equals(".") || name.equals("..")) {
                if (semicolon >= 0) {
                    throw new InvalidRequest(Reason.AMBIGUOUS_SEGMENT, "dot segment with parameters");
                }
                if (name.equals("..") && !segments.isEmpty()) {
                    segments.removeLast();
                }
                continue;
            }
            if (stripTrailingDotsAndSpaces(name).isEmpty() && name.indexOf('.') >= 0) {
                throw new InvalidRequest(Reason.AMBIGUOUS_SEGMENT, "segment of dots only");
            }
            segments.add(segment);
        }
        // "/a/b/.." is "/a/", as RFC 3986 resolves it.
        String last = decoded.substring(decoded.lastIndexOf('/') + 1);
        boolean trailingSlash = last.isEmpty() || last.equals(".") || last.equals("..");
        StringBuilder path = new StringBuilder(decoded.length() + 8);
        StringBuilder rulePath = new StringBuilder(decoded.length());
        for (String segment : segments) {
            path.append('/');
            appendEncoded(path, segment);
            int semicolon = segment.indexOf(';');
            String name = stripTrailingDotsAndSpaces(semicolon < 0 ? segment : segment.substring(0, semicolon));
            if (!name.isEmpty()) {
                rulePath.append('/').append(name);
            }
        }
        if (segments.isEmpty() || trailingSlash) {
            path.append('/');
        }
        String rules = rulePath.isEmpty() ? "/" : rulePath.toString().toLowerCase(Locale.ROOT);
        return new RequestTarget(path.toString(), query, rules);
    }

    /**
     * Whether the general path below would give {@code decoded} itself as the path: only characters
     * written literally, no empty segment (but a trailing slash), no segment that starts or ends with a
     * dot (dot segments, dots only, trailing dots), no parameters, no spaces.
     */
    private static boolean isAlreadyCanonical(String decoded) {
        char previous = '/';
        for (int i = 1; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c == '/') {
                if (previous == '/' || previous == '.') {
                    return false;
                }
            } else if (!isLiteral(c) || c == ';' || (c == '.' && previous == '/')) {
                return false;
            }
            previous = c;
        }
        return previous != '.';
    }

    /**
     * Percent-decodes once into UTF-8 text. Raw non-ASCII characters (clients that do not encode) count
     * as their UTF-8 bytes, so {@code /café} and {@code /caf%C3%A9} are one path.
     */
    private static String decode(String rawPath) {
        boolean plain = true;
        for (int i = 0; i < rawPath.length() && plain; i++) {
            char c = rawPath.charAt(i);
            plain = c != '%' && c < 0x80;
        }
        String decoded = plain ? rawPath : decodeBytes(rawPath);
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (isControl(c)) {
                throw new InvalidRequest(Reason.CONTROL_CHARACTER, "control character in the decoded path");
            }
            if (c == '%' && i + 2 < decoded.length() && hex(decoded.charAt(i + 1)) >= 0 && hex(decoded.charAt(i + 2)) >= 0) {
                throw new InvalidRequest(Reason.DOUBLE_ENCODING, "percent-encoding left after decoding");
            }
        }
        return decoded;
    }

    private static String decodeBytes(String rawPath) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                int high = i + 2 < rawPath.length() ? hex(rawPath.charAt(i + 1)) : -1;
                int low = high >= 0 ? hex(rawPath.charAt(i + 2)) : -1;
                if (low < 0) {
                    throw new InvalidRequest(Reason.BAD_ENCODING, "'%' not followed by two hex digits");
                }
                int b = high * 16 + low;
                if (b == '/' || b == '\\') {
                    throw new InvalidRequest(Reason.AMBIGUOUS_SEPARATOR, "encoded path separator");
                }
                bytes.write(b);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < rawPath.length() ? i + 2 : i + 1;
                byte[] utf8 = strictUtf8(rawPath.substring(i, end));
                bytes.write(utf8, 0, utf8.length);
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequest(Reason.BAD_UTF8, "percent-decoded path is not UTF-8");
        }
    }

    private static byte[] strictUtf8(String chars) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(chars));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new InvalidRequest(Reason.BAD_UTF8, "unpaired surrogate in the request target");
        }
    }

    /**
     * The query with every character RFC 3986 does not allow in a query percent-encoded (its UTF-8
     * bytes), as browsers send it, and a {@code %} not followed by two hex digits as {@code %25}. Nothing
     * is decoded: every query parser reads the same parameters from it as from what the client sent.
     */
    private static String canonicalQuery(String query) {
        int i = 0;
        while (i < query.length() && isQueryLiteral(query, i)) {
            i++;
        }
        if (i == query.length()) {
            return query;
        }
        StringBuilder out = new StringBuilder(query.length() + 16).append(query, 0, i);
        for (; i < query.length(); i++) {
            char c = query.charAt(i);
            if (isQueryLiteral(query, i)) {
                out.append(c);
                continue;
            }
            int end = Character.isHighSurrogate(c) && i + 1 < query.length() && Character.isLowSurrogate(query.charAt(i + 1))
                    ? i + 2 : i + 1;
            if (Character.isSurrogate(c) && end == i + 1) {
                throw new InvalidRequest(Reason.BAD_UTF8, "unpaired surrogate in the query");
            }
            EventText.appendPercentEncoded(out, query.substring(i, end));
            i = end - 1;
        }
        return out.toString();
    }

    private static boolean isQueryLiteral(String query, int i) {
        char c = query.charAt(i);
        if (c == '%') {
            return i + 2 < query.length() && hex(query.charAt(i + 1)) >= 0 && hex(query.charAt(i + 2)) >= 0;
        }
        return isLiteral(c) || c == '/' || c == '?';
    }

    /**
     * Characters a path segment may hold literally (RFC 3986 {@code pchar} without {@code %}); every
     * other character is written as the percent-encoded bytes of its UTF-8 form, upper-case hex.
     */
    private static void appendEncoded(StringBuilder out, String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (isLiteral(c)) {
                out.append(c);
                continue;
            }
            int end = Character.isHighSurrogate(c) && i + 1 < segment.length() ? i + 2 : i + 1;
            EventText.appendPercentEncoded(out, segment.substring(i, end));
            i = end - 1;
        }
    }

    private static boolean isLiteral(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    private static String stripTrailingDotsAndSpaces(String name) {
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == ' ')) {
            end--;
        }
        return end == name.length() ? name : name.substring(0, end);
    }

    /** C0 controls, DEL, C1 controls and the Unicode line and paragraph separators. */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
