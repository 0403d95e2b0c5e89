package io.iptracking.admin.requestlog;

import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The paths reports single out ({@code /login}, {@code /admin/**}…), as Spring path patterns, so
 * they read like the edge's rate-limit rules. A request is marked once, when it is logged.
 */
public final class SensitivePaths {

    private final List<PathPattern> patterns;

    public SensitivePaths(List<String> patterns) {
        PathPatternParser parser = new PathPatternParser();
        this.patterns = patterns.stream().map(String::strip).filter(p -> !p.isEmpty()).map(p -> {
            try {
                return parser.parse(p);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("admin.request-log.sensitive-paths: '" + p + "' is not a path pattern: "
                        + e.getMessage(), e);
            }
        }).toList();
    }

    public boolean matches(String path) {
        if (patterns.isEmpty() || path == null || path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        PathContainer container;
        try {
            container = PathContainer.parsePath(path);
        } catch (RuntimeException e) {
            return false;
        }
        for (PathPattern p : patterns) {
            if (p.matches(container)) {
                return true;
            }
        }
        return false;
    }
}
