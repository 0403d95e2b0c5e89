package io.iptracking.common.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Just enough of the Redis protocol for the fixtures' own checks (PING, a cleanup script), so they
 * need no Redis client library. One connection per call.
 */
final class Resp {

    private Resp() {
    }

    /**
     * Sends one command and returns its reply: the text of a simple string, bulk string or integer
     * reply ({@code null} for a null bulk string). An error reply becomes an {@link IOException}.
     */
    static String call(String host, int port, Duration timeout, String... command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(encode(command));
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** True when a Redis server at host:port answers PING with PONG within the timeout. */
    static boolean ping(String host, int port, Duration timeout) {
        try {
            return "PONG".equals(call(host, port, timeout, "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    static byte[] encode(String... command) {
        StringBuilder builder = new StringBuilder().append('*').append(command.length).append("\r\n");
        for (String argument : command) {
            builder.append('$').append(argument.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                    .append(argument).append("\r\n");
        }
        return builder.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readReply(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        return switch (type) {
            case '+', ':' -> line;
            case '-' -> throw new IOException("Redis error: " + line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] bulk = in.readNBytes(length + 2); // payload and its CRLF
                yield new String(bulk, 0, length, StandardCharsets.UTF_8);
            }
            case -1 -> throw new IOException("Redis closed the connection without a reply");
            default -> throw new IOException("Unexpected Redis reply type '" + (char) type + "': " + line);
        };
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
