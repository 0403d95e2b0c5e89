package io.iptracking.ingest.hostile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The application behind the edge in the hostile-request tests: it records every request exactly as
 * it arrived (method, raw target, every header line in order), keyed by the {@code X-Real-IP} the edge
 * wrote, and answers 200 "ok". It accepts any target spelling, so that what it records is what the
 * edge sent, not what a strict server would have let in.
 */
final class RecordingUpstream implements AutoCloseable {

    /** One request as the upstream received it. */
    record Received(String method, String target, HttpFields headers) {

        List<String> values(String name) {
            return headers.getValuesList(name);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final Map<String, List<Received>> byClient = new ConcurrentHashMap<>();

    RecordingUpstream() {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Received received = new Received(request.getMethod(), request.getHttpURI().getPathQuery(),
                        HttpFields.build(request.getHeaders()).asImmutable());
                String client = String.valueOf(request.getHeaders().get("X-Real-IP"));
                byClient.computeIfAbsent(client, c -> new CopyOnWriteArrayList<>()).add(received);
                Content.Source.consumeAll(request, Callback.from(() -> {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
                }, callback::failed));
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** What arrived for a client IP (the edge's X-Real-IP), in order. */
    List<Received> receivedFor(String client) {
        return byClient.getOrDefault(client, List.of());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
