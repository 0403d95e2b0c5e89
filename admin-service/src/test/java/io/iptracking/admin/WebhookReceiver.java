package io.iptracking.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;

/**
 * A webhook endpoint over real HTTP on 127.0.0.1: records every request it gets (headers, body, the
 * status it answered) and answers each path as the test says: a fixed status, a sequence of statuses,
 * a redirect, or no answer until the test ends.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request received and the status it was answered with (0: not answered). */
    record Received(String path, Map<String, List<String>> headers, String body, int answered) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    private final HttpServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, IntSupplier> answers = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers {@code path} with {@code status} from now on (200 unless told). */
    void answer(String path, int status) {
        answers.put(path, () -> status);
    }

    /** Answers {@code path} with these statuses in turn, then with the last one. */
    void answer(String path, int... statuses) {
        Deque<Integer> queue = new ConcurrentLinkedDeque<>();
        for (int s : statuses) {
            queue.add(s);
        }
        answers.put(path, () -> queue.size() > 1 ? queue.poll() : queue.peek());
    }

    /** Never answers {@code path} (until the receiver closes). */
    void hang(String path) {
        answers.put(path, () -> -1);
    }

    /** Answers {@code path} 200 with a body that never ends (until the receiver closes or the client goes). */
    void stream(String path) {
        answers.put(path, () -> -2);
    }

    List<Received> at(String path) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status = answers.getOrDefault(path, () -> 200).getAsInt();
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        received.add(new Received(path, headers, body, status == -2 ? 200 : Math.max(status, 0)));
        if (status == -2) {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[1024];
            try (var out = exchange.getResponseBody()) {
                while (released.getCount() > 0) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException e) {
                // the client went
            }
            return;
        }
        if (status < 0) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        if (status >= 300 && status < 400) {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
