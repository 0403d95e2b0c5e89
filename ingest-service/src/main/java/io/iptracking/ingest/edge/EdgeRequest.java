package io.iptracking.ingest.edge;

import io.iptracking.common.ip.ClientIp;

/**
 * What the edge knows about a request when it decides, every field already checked (in forward-auth
 * mode they come from the calling proxy's headers).
 *
 * @param ip the client IP the edge decides on: lists, rate-limit keys and the event use it (an IPv4
 *     address folded out of an IPv6 form that embeds it)
 * @param address the client's address as resolved, before folding; equal to {@code ip} unless folded
 * @param method upper case
 * @param host the Host header, or null when the request had none
 * @param target the canonical target
 * @param authorization the Authorization header, or null
 * @param userAgent the User-Agent header, or null
 */
public record EdgeRequest(ClientIp ip, ClientIp address, String method, String host, RequestTarget target,
        String authorization, String userAgent) {
}
