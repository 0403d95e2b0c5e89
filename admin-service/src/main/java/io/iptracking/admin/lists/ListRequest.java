package io.iptracking.admin.lists;

/**
 * The body of {@code POST /api/v1/blocks} and {@code /allows}. Fields are text so that every
 * mistake is reported by {@link EntryRequests} with the field's name and the exact reason.
 *
 * @param cidr an IP or a CIDR range, IPv4 or IPv6 ({@code 203.0.113.7}, {@code 2001:db8::/32})
 * @param reason why, for whoever finds the entry later (required, at most 500 characters)
 * @param duration how long it lasts ({@code 30m}, {@code 24h}, {@code 7d}, {@code PT24H}); absent = permanent
 * @param expiresAt when it ends (ISO-8601 instant, in the future); not together with duration
 */
public record ListRequest(String cidr, String reason, String duration, String expiresAt) {
}
