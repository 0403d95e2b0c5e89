package io.iptracking.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A {@link RequestEvent} with what the GeoIP databases know about its IP: the value of
 * {@link io.iptracking.common.kafka.Topics#ENRICHED_REQUESTS}, keyed by the client network of the
 * request's IP ({@link io.iptracking.common.ip.ClientNetwork#keyOf}). The request is nested
 * unchanged, not flattened, so a field added to it needs no change here.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param request the event as the edge published it
 * @param geo {@link Geo#UNKNOWN} when nothing is known, never null
 */
public record EnrichedRequestEvent(
        // A primitive has no null to reject: required, so that a missing field is an error, not 0.
        @JsonProperty(required = true) int schemaVersion,
        RequestEvent request,
        Geo geo) {

    /** The version this code writes. */
    public static final int SCHEMA_VERSION = 1;

    public EnrichedRequestEvent {
        Checks.schemaVersion(schemaVersion, "EnrichedRequestEvent");
        Checks.notNull(request, "EnrichedRequestEvent.request");
        Checks.notNull(geo, "EnrichedRequestEvent.geo");
    }

    /** An event of the current {@link #SCHEMA_VERSION}. */
    public EnrichedRequestEvent(RequestEvent request, Geo geo) {
        this(SCHEMA_VERSION, request, geo);
    }
}
