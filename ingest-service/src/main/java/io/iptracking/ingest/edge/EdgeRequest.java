package io.iptracking.ingest.edge;

import io.iptracking.common.ip.ClientIp;

/**
 * What the edge knows about a request when it decides: the resolved client IP and the original
 * method, host and normalised path (in forward-auth mode these come from the calling proxy's headers).
 */
public record EdgeRequest(ClientIp ip, String method, String host, String path, String authorization, String userAgent) {
}
