package io.iptracking.ingest.ratelimit;

import java.util.List;
import java.util.Optional;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The configured rules in order. A request is counted by the first rule whose methods and paths
 * match it; requests no rule matches never touch the bucket store.
 */
public final class RateLimitRules {

    private final List<RateLimitRule> rules;
    private final List<List<PathPattern>> patterns;

    public RateLimitRules(List<RateLimitRule> rules) {
        this.rules = List.copyOf(rules);
        long distinct = rules.stream().map(RateLimitRule::name).distinct().count();
        if (distinct != rules.size()) {
            throw new IllegalArgumentException("rate-limit rule names must be unique");
        }
        this.patterns = rules.stream()
                .map(r -> r.paths().stream().map(PathPatternParser.defaultInstance::parse).toList())
                .toList();
    }

    /**
     * Rule paths are already decoded ({@link io.iptracking.ingest.edge.RequestTarget#rulePath()}): decoding
     * them again would let {@code %2561} match {@code a}, and a literal {@code %} fail to parse.
     */
    private static final PathContainer.Options DECODED_PATH = PathContainer.Options.create('/', false);

    /**
     * @param method the request method, upper case
     * @param rulePath a path as {@link io.iptracking.ingest.edge.RequestTarget#rulePath()} gives it
     */
    public Optional<RateLimitRule> match(String method, String rulePath) {
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        PathContainer path = PathContainer.parsePath(rulePath, DECODED_PATH);
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(method, path, patterns.get(i))) {
                return Optional.of(rules.get(i));
            }
        }
        return Optional.empty();
    }

    public List<RateLimitRule> all() {
        return rules;
    }
}
