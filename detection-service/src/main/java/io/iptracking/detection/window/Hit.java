package io.iptracking.detection.window;

/**
 * One request as the per-IP window keeps it: what the rules and the anomaly features need, with the
 * path and user agent as indexes into the {@link IpActivity}'s dictionaries (a client repeats them).
 *
 * @param at event time (edge clock), epoch milliseconds
 * @param status the HTTP status sent to the client, 0 when unknown (check mode)
 * @param path index of the path in {@link IpActivity#path(int)}
 * @param agent index of the user agent in {@link IpActivity#agent(int)}, -1 when the request had none
 * @param authenticated the request carried an authenticated subject
 * @param sensitive the path matched a sensitive-path pattern when the request arrived
 * @param refusedByEdge the edge itself answered (blocked or rate-limited): the status is its refusal,
 *     not the application's judgement of the request
 */
public record Hit(long at, int status, int path, int agent, boolean authenticated, boolean sensitive, boolean refusedByEdge) {
}
