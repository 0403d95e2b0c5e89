package io.iptracking.common.apikey;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Finds the configured key a caller presented, in time that does not depend on which key matched. */
public final class ApiKeys {

    private static final String BEARER = "Bearer ";

    private final List<ApiKey> keys;

    public ApiKeys(List<ApiKey> keys) {
        this.keys = List.copyOf(keys);
        long distinct = keys.stream().map(ApiKey::name).distinct().count();
        if (distinct != keys.size()) {
            throw new IllegalArgumentException("two API keys have the same name; names identify actors in the audit log");
        }
    }

    /** The key whose hash matches {@code presented}; every configured key is compared, matched or not. */
    public Optional<ApiKey> find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = ApiKey.hash(presented);
        ApiKey found = null;
        for (ApiKey key : keys) {
            // No early exit: the time taken does not tell which key (if any) matched.
            if (MessageDigest.isEqual(hash, key.sha256()) && found == null) {
                found = key;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The key a request presents, as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>};
     * null when it presents none.
     *
     * @param header a request's header by name, null when absent
     */
    public static String presented(UnaryOperator<String> header) {
        String authorization = header.apply("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).strip();
        }
        String apiKey = header.apply("X-API-Key");
        return apiKey == null ? null : apiKey.strip();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }
}
