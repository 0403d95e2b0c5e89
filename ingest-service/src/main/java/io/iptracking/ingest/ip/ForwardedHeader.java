package io.iptracking.ingest.ip;

/**
 * Which header the trusted proxies in front of the edge write the client chain into. Exactly one is
 * honoured: if both were, a client could forge the one its proxy does not overwrite.
 */
public enum ForwardedHeader {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (nginx, Traefik, Envoy, most load balancers). */
    X_FORWARDED_FOR,
    /** RFC 7239 {@code Forwarded: for=client;proto=https, for=proxy1}. */
    FORWARDED
}
