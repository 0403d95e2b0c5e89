package io.iptracking.ingest.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client that sends exactly the bytes it is given, from a chosen loopback address, and
 * reads every response until the server closes: requests no well-behaved client library would send
 * (control characters, duplicate headers, pipelined requests, a 64 KB request line).
 */
final class RawHttp {

    /** One response: status, headers (names lower-cased; repeated ones joined by ", ") and body. */
    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /**
     * Sends {@code request} (ISO-8859-1: each char is one byte) on a new connection from
     * {@code localAddress} and returns the responses read until the server closes the connection.
     */
    static List<Response> exchange(String localAddress, int port, String request) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(readAll(socket.getInputStream()), request.startsWith("HEAD "));
        } catch (IOException e) {
            throw new AssertionError("raw exchange with the edge failed: " + e, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // A server that refuses a request may reset the connection after its answer: keep what came.
        }
        return all.toByteArray();
    }

    /** @param head whether the request was HEAD: its response announces a length but has no body */
    static List<Response> parse(byte[] bytes, boolean head) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                throw new AssertionError("an incomplete response: " + text.substring(at));
            }
            String[] lines = text.substring(at, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
            int bodyStart = headEnd + 4;
            String body;
            if (head) {
                body = "";
                at = bodyStart;
            } else if (headers.containsKey("content-length")) {
                int length = Integer.parseInt(headers.get("content-length"));
                body = text.substring(bodyStart, bodyStart + length);
                at = bodyStart + length;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder chunks = new StringBuilder();
                int pos = bodyStart;
                while (true) {
                    int lineEnd = text.indexOf("\r\n", pos);
                    int size = Integer.parseInt(text.substring(pos, lineEnd).split(";")[0].strip(), 16);
                    pos = lineEnd + 2;
                    if (size == 0) {
                        pos = text.indexOf("\r\n", pos) + 2;
                        break;
                    }
                    chunks.append(text, pos, pos + size);
                    pos += size + 2;
                }
                body = chunks.toString();
                at = pos;
            } else if (status == 204 || status == 304 || status / 100 == 1) {
                body = "";
                at = bodyStart;
            } else {
                body = text.substring(bodyStart);
                at = text.length();
            }
            responses.add(new Response(status, headers, body));
        }
        return responses;
    }
}
