package io.iptracking.admin.lists;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.InvalidIpException;
import io.iptracking.admin.web.InvalidFieldException;
import io.iptracking.admin.web.Params;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.convert.DurationStyle;

/**
 * Turns what a caller typed (API body, command-line arguments) into a {@link NewEntry}, or fails
 * with an {@link InvalidFieldException} naming the field and the reason. The API and the command
 * line share it, so the same input is accepted or refused the same way everywhere.
 */
public final class EntryRequests {

    /** The longest reason kept; the table refuses longer ones. */
    public static final int MAX_REASON_LENGTH = 500;
    /** The longest an entry may last with an end; without one it is permanent. */
    static final Duration MAX_LIFETIME = Duration.ofDays(3650);
    private static final String TOO_LONG = "is more than 10 years ahead; leave it out for a permanent entry";

    private EntryRequests() {
    }

    /**
     * @param cidrText an IP or a CIDR, IPv4 or IPv6
     * @param durationText how long the entry lasts ({@code 24h}, {@code 90m}, {@code PT2H}); null for no limit
     * @param expiresAtText when it ends (ISO-8601 instant); null for no limit; not with a duration
     * @param now the clock's instant, to check the expiry against
     */
    public static NewEntry validate(String cidrText, ListAction action, String reason, String durationText,
            String expiresAtText, ListSource source, String actor, Instant now) {
        Cidr cidr = cidr("cidr", cidrText);
        if (reason == null || reason.isBlank()) {
            throw new InvalidFieldException("reason", "is required: say why, for whoever finds the entry later");
        }
        String trimmed = Params.text("reason", reason.strip(), MAX_REASON_LENGTH);
        if (durationText != null && expiresAtText != null) {
            throw new InvalidFieldException("expiresAt", "give either duration or expiresAt, not both");
        }
        Instant expiresAt = null;
        Duration lifetime = null;
        if (durationText != null) {
            lifetime = duration("duration", durationText);
        } else if (expiresAtText != null) {
            expiresAt = Params.instant("expiresAt", expiresAtText);
            if (!expiresAt.isAfter(now)) {
                throw new InvalidFieldException("expiresAt", "is not in the future");
            }
            if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
                throw new InvalidFieldException("expiresAt", TOO_LONG);
            }
        }
        return new NewEntry(cidr, action, trimmed, source, actor, expiresAt, lifetime);
    }

    /** An IP or CIDR; the error is the parser's exact reason. */
    public static Cidr cidr(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException(field, "is required: an IP address or a CIDR range");
        }
        try {
            return Cidr.parse(text.strip());
        } catch (InvalidIpException e) {
            throw new InvalidFieldException(field, e.reason());
        }
    }

    /** A single IP; the error is the parser's exact reason. */
    public static ClientIp ip(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException(field, "is required: an IP address");
        }
        try {
            return ClientIp.parse(text.strip());
        } catch (InvalidIpException e) {
            throw new InvalidFieldException(field, e.reason());
        }
    }

    /** A positive duration: {@code 24h}, {@code 30m}, {@code 7d} or ISO-8601 ({@code PT24H}). */
    public static Duration duration(String field, String text) {
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, "'" + text + "' is not a duration; use e.g. 30m, 24h, 7d or PT24H");
        }
        if (!duration.isPositive()) {
            throw new InvalidFieldException(field, "must be positive");
        }
        if (duration.compareTo(MAX_LIFETIME) > 0) {
            throw new InvalidFieldException(field, "is longer than 10 years; leave it out for a permanent entry");
        }
        return duration;
    }
}
