package io.iptracking.detection.window;

import java.util.Set;

/**
 * Which requests count towards which measure: a 401/403 is an authentication failure (configurable)
 * when the application gave it, not when the edge refused the request itself (a blocked client's 403s),
 * a 404 is "not found", and a request to a sensitive path counts unless it was authenticated and
 * authenticated clients are ignored.
 */
public record Counting(Set<Integer> authFailureStatuses, boolean ignoreAuthenticatedOnSensitivePaths) {

    public Counting {
        authFailureStatuses = Set.copyOf(authFailureStatuses);
    }

    public boolean isAuthFailure(RequestFacts r) {
        return !r.refusedByEdge() && authFailureStatuses.contains(r.status());
    }

    public boolean isNotFound(RequestFacts r) {
        return r.status() == 404;
    }

    public boolean isSensitive(RequestFacts r) {
        return r.sensitive() && !(ignoreAuthenticatedOnSensitivePaths && r.authenticated());
    }

    public boolean isError(RequestFacts r) {
        return r.status() >= 400;
    }
}
