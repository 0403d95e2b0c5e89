package io.iptracking.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.iptracking.common.ip.ClientIp;
import java.time.Instant;

/**
 * An operator's request to erase what is stored about one IP: the value of the internal topic
 * {@link io.iptracking.common.kafka.Topics#ERASURES}, written by admin when it erases the IP from
 * PostgreSQL and read by detection, which deletes the IP's client window. Keyed like the request
 * topics, by the IP's client network address, so that it reaches the task that holds the window.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param ip the erased IP
 * @param requestedAt when admin erased it (admin's clock)
 */
public record ErasureRequest(
        @JsonProperty(required = true) int schemaVersion,
        ClientIp ip,
        Instant requestedAt) {

    /** The version this code writes. */
    public static final int SCHEMA_VERSION = 1;

    public ErasureRequest {
        Checks.schemaVersion(schemaVersion, "ErasureRequest");
        Checks.notNull(ip, "ErasureRequest.ip");
        Checks.notNull(requestedAt, "ErasureRequest.requestedAt");
    }

    public ErasureRequest(ClientIp ip, Instant requestedAt) {
        this(SCHEMA_VERSION, ip, requestedAt);
    }
}
