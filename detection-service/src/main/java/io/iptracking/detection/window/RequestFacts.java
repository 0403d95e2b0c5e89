package io.iptracking.detection.window;

/**
 * One request as a client's window counts it: only what the rules and the anomaly features need.
 *
 * @param at event time (edge clock), epoch milliseconds
 * @param status the HTTP status sent to the client, 0 when unknown (check mode)
 * @param path the request path (canonical, as the edge decided on it)
 * @param userAgent the user agent, or null
 * @param authenticated the request carried an authenticated subject
 * @param sensitive the path matched a sensitive-path pattern
 * @param refusedByEdge the edge itself answered (blocked or rate-limited): the status is its refusal,
 *     not the application's judgement of the request
 */
public record RequestFacts(long at, int status, String path, String userAgent, boolean authenticated, boolean sensitive,
        boolean refusedByEdge) {
}
