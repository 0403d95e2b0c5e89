package io.iptracking.detection.stream;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import java.time.Instant;
import java.util.UUID;

/** Enriched request events for tests, one line each. */
public final class Requests {

    public static final Geo GEO = new Geo("NL", "Netherlands", "Amsterdam", 52.37, 4.89, 64496L, "Example Hosting B.V.", false);

    private Requests() {
    }

    public static EnrichedRequestEvent get(String ip, Instant at, String path, int status) {
        return request(ip, at, path, status, null, "test-agent/1.0");
    }

    public static EnrichedRequestEvent request(String ip, Instant at, String path, Integer status, String subject, String agent) {
        return new EnrichedRequestEvent(new RequestEvent(UUID.randomUUID(), at, ClientIp.parse(ip), "GET", "shop.example", path,
                status, 2L, agent, subject, Decision.ALLOWED, null, Mode.PROXY), GEO);
    }
}
