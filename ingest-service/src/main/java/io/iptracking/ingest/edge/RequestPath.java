package io.iptracking.ingest.edge;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The path of a request as the rules see it. Clients disguise a sensitive path to slip past a
 * limit ({@code //admin}, {@code /x/../admin}, {@code /%61dmin}, {@code /admin;x=1},
 * {@code /ADMIN}); normalising once here means every rule and every event sees the path the
 * upstream application will most likely resolve. The query string is dropped.
 */
public final class RequestPath {

    /** Longer paths are cut: rules and events need the start, and the cost stays bounded. */
    public static final int MAX_LENGTH = 2048;

    private RequestPath() {
    }

    /**
     * Percent-decodes, drops the query and {@code ;} path parameters, collapses repeated slashes,
     * resolves {@code .} and {@code ..} segments (never above the root), drops a trailing slash
     * and lower-cases.
     */
    public static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String path = rawPath;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        if (path.length() > MAX_LENGTH) {
            path = path.substring(0, MAX_LENGTH);
        }
        path = percentDecode(path);
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            int params = segment.indexOf(';');
            if (params >= 0) {
                segment = segment.substring(0, params);
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(segment);
        }
        // No trailing slash: "/login/" must meet the same rules as "/login".
        return ("/" + String.join("/", segments)).toLowerCase(Locale.ROOT);
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
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
