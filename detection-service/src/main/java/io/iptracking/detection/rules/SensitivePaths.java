package io.iptracking.detection.rules;

import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** The sensitive-path patterns, in Spring's path-pattern syntax ({@code /admin/**}, {@code /api/*}/keys). */
public final class SensitivePaths {

    private final List<PathPattern> patterns;

    /** @throws org.springframework.web.util.pattern.PatternParseException for a malformed pattern */
    public SensitivePaths(List<String> patterns) {
        this.patterns = patterns.stream().map(PathPatternParser.defaultInstance::parse).toList();
    }

    public boolean matches(String path) {
        if (patterns.isEmpty()) {
            return false;
        }
        PathContainer container = PathContainer.parsePath(path);
        for (PathPattern p : patterns) {
            if (p.matches(container)) {
                return true;
            }
        }
        return false;
    }
}
