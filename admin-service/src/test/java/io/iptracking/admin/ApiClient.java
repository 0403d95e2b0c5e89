package io.iptracking.admin;

import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.json.Json;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
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

    /**
     * Sends a request whose target goes on the wire exactly as given, byte for byte (what
     * {@link java.net.URI} refuses to build: {@code %ZZ}, raw spaces), over a plain socket.
     */
    public Response raw(String method, String target) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            // Bytes as Latin-1 chars so that chunk sizes count bytes; the body is decoded as UTF-8 at the end.
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = reply.indexOf("\r\n\r\n");
            String[] lines = reply.substring(0, end).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
            String body = reply.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder joined = new StringBuilder();
                for (int at = 0; ; ) {
                    int lineEnd = body.indexOf("\r\n", at);
                    int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
                    if (size == 0) {
                        break;
                    }
                    joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                    at = lineEnd + 2 + size + 2;
                }
                body = joined.toString();
            }
            body = new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers.getOrDefault("content-type", ""), body,
                    headers.get("location"));
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        }
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
