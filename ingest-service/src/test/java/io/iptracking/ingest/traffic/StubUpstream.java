package io.iptracking.ingest.traffic;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The application behind the edge in tests: {@code /echo} returns the request body and reports what
 * it received in {@code X-Seen-*} headers; {@code /slow} answers only after the test's response
 * timeout; anything else answers 200 "hello".
 */
public final class StubUpstream implements AutoCloseable {

    private final HttpServer server;
    private final CountDownLatch released = new CountDownLatch(1);

    private StubUpstream(HttpServer server) {
        this.server = server;
    }

    public static StubUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StubUpstream stub = new StubUpstream(server);
            server.createContext("/", stub::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        var headers = exchange.getResponseHeaders();
        headers.add("X-Seen-Path", exchange.getRequestURI().getRawPath());
        headers.add("X-Seen-Query", String.valueOf(exchange.getRequestURI().getRawQuery()));
        headers.add("X-Seen-Method", exchange.getRequestMethod());
        for (String name : new String[] {"X-Forwarded-For", "X-Real-IP", "X-Forwarded-Proto", "X-Forwarded-Host", "Connection", "Keep-Alive", "X-Custom"}) {
            String value = exchange.getRequestHeaders().getFirst(name);
            headers.add("X-Seen-" + name, value == null ? "-" : value);
        }
        if (path.equals("/slow")) {
            try {
                // Holds the response past the edge's response timeout; released when the stub closes.
                released.await(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] out = path.equals("/echo") ? body : "hello".getBytes();
        headers.add("Keep-Alive", "timeout=5");
        exchange.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
