package io.iptracking.admin.bouncers;

import io.iptracking.common.ip.Cidr;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One ban as a CrowdSec bouncer receives it: an address or range ({@code Ip} or {@code Range} scope)
 * banned until {@code until}. CrowdSec's contract (its {@code models.Decision}): {@code duration} is
 * the time left, in Go's duration format, negative for a decision that is being deleted.
 *
 * @param id the list entry's id when the decision is the entry's whole range; otherwise (a part of a
 *     block range left by the allowlist) a stable number derived from the entry and the part
 * @param scenario why: the entry's reason
 */
public record Decision(long id, String scenario, Cidr value, Instant until) {

    /** What bouncers are told made the decision. */
    public static final String ORIGIN = "ip-tracking";

    public String scope() {
        return value.isSingleAddress() ? "Ip" : "Range";
    }

    /** The value as CrowdSec writes it: a bare address for an {@code Ip}, a CIDR for a {@code Range}. */
    public String valueText() {
        return value.isSingleAddress() ? value.network().toString() : value.toString();
    }

    /** Stable for the same decision: the same entry's same range. */
    public UUID uuid() {
        return nameUuid(id, value);
    }

    /** The id of a part of block entry {@code entryId} (what the allowlist left of its range): positive and stable. */
    static long derivedId(long entryId, Cidr part) {
        return nameUuid(entryId, part).getMostSignificantBits() & Long.MAX_VALUE;
    }

    private static UUID nameUuid(long id, Cidr value) {
        return UUID.nameUUIDFromBytes(("ip-tracking:" + id + ":" + value).getBytes(StandardCharsets.UTF_8));
    }

    /** The decision as CrowdSec's Local API serves it, at {@code now}; {@code deleted}: its duration is negative. */
    public Map<String, Object> toJson(Instant now, boolean deleted) {
        Duration left = Duration.between(now, until);
        if (deleted && !left.isNegative()) {
            // Unblocked before its time: already over, as far as the bouncer is concerned.
            left = Duration.ofSeconds(-1);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("uuid", uuid().toString());
        json.put("origin", ORIGIN);
        json.put("type", "ban");
        json.put("scope", scope());
        json.put("value", valueText());
        json.put("duration", goDuration(left));
        json.put("scenario", scenario);
        return json;
    }

    /** Go's {@code time.Duration.String()} of a duration rounded to the second: {@code 1h2m3s}, {@code 4m0s}, {@code -5s}, {@code 0s}. */
    static String goDuration(Duration d) {
        long ms = d.toMillis();
        long seconds = ms >= 0 ? (ms + 500) / 1000 : -((-ms + 500) / 1000);
        if (seconds == 0) {
            return "0s";
        }
        String sign = seconds < 0 ? "-" : "";
        long s = Math.abs(seconds);
        if (s >= 3600) {
            return sign + s / 3600 + "h" + s % 3600 / 60 + "m" + s % 60 + "s";
        }
        if (s >= 60) {
            return sign + s / 60 + "m" + s % 60 + "s";
        }
        return sign + s + "s";
    }
}
