package io.iptracking.admin;

import io.iptracking.admin.web.ApiKey;
import io.iptracking.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/** The admin API over real HTTP, as a caller with one API key (or none). */
public final class ApiClient {

    /** Keys the tests configure; the service is given only their hashes. */
    public static final String OPERATOR_KEY = "it-operator-key-0123456789abcdef0123456789";
    public static final String VIEWER_KEY = "it-viewer-key-0123456789abcdef0123456789ab";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;
    private final String key;

    public ApiClient(int port, String keyOrNull) {
        this.port = port;
        this.key = keyOrNull;
    }

    /** The value of {@code admin.security.api-keys} for the test keys. */
    public static String apiKeysProperty() {
        return "it-operator:operator:" + HexFormat.of().formatHex(ApiKey.hash(OPERATOR_KEY))
                + ",it-viewer:viewer:" + HexFormat.of().formatHex(ApiKey.hash(VIEWER_KEY));
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response send(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = request(path).method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private static Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A response: status, content type, body and the body as JSON. */
    public record Response(int status, String contentType, String body, String location) {

        public JsonNode json() {
            return Json.mapper().readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }
}
