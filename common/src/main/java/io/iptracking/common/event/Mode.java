package io.iptracking.common.event;

/** How the edge saw a request. */
public enum Mode {
    /** The edge proxied the request to the upstream and saw its response status. */
    PROXY,
    /** A reverse proxy in front asked the edge's forward-auth endpoint for a decision only. */
    CHECK
}
