package io.iptracking.enrichment.geo;

import io.iptracking.common.event.Geo;
import io.iptracking.common.ip.ClientIp;

/**
 * Where a client IP is and who routes it. The enrichment topology knows only this port; the MaxMind
 * databases are one implementation ({@link MaxMindGeoLookup}).
 *
 * <p>Implementations never throw and never return null: an address they cannot place gives
 * {@link Geo#UNKNOWN}, a non-routable one {@link Geo#PRIVATE}, so no event is ever dropped for want of
 * geo data. They are safe for concurrent use.
 */
@FunctionalInterface
public interface GeoLookup {

    Geo lookup(ClientIp ip);
}
