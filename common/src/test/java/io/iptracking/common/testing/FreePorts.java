package io.iptracking.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Loopback ports that nothing listens on right now, for servers a test starts itself (and for a
 * closed port to connect to). Another process may take one before the test binds it; tests that
 * cannot bind port 0 themselves accept that.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** One port, free on 127.0.0.1 when this returns. */
    public static int one() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} different ports, each free when this returns. */
    public static List<Integer> distinct(int count) {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < count) {
            ports.add(one());
        }
        return List.copyOf(ports);
    }
}
