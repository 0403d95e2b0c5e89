package io.iptracking.ingest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An HTTP client of the edge's traffic port that connects from a chosen loopback address, so tests can
 * be a trusted proxy (127.0.0.1) or an untrusted client (127.0.0.2), and name the client IP a trusted
 * proxy would forward.
 */
final class EdgeClient {

    private final HttpClient http;
    private final int port;

    EdgeClient(String localAddress, int port) {
        try {
            this.http = HttpClient.newBuilder().localAddress(InetAddress.getByName(localAddress))
                    .connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.port = port;
    }

    HttpResponse<String> get(String path, String forwardedFor, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to the edge failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int status(String path, String forwardedFor, String... headers) {
        return get(path, forwardedFor, headers).statusCode();
    }
}
