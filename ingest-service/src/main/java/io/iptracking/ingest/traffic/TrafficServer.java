package io.iptracking.ingest.traffic;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.context.SmartLifecycle;

/**
 * The traffic port: a Jetty server of its own, apart from the management server (health, metrics) so
 * that no proxied path is ever shadowed by an actuator endpoint and each can be exposed differently.
 *
 * <p>Jetty accepts every spelling of a request target here ({@link UriCompliance#UNSAFE}): the edge's
 * own {@link io.iptracking.ingest.edge.RequestTarget} is the one judge of a target, so that every
 * refusal is counted by reason and recorded in an event. Jetty still refuses what it cannot parse at
 * all (a malformed request line, headers larger than {@code maxHeaderBytes}), and answers them with
 * the {@code unparsed} error handler the edge gives it.
 */
public final class TrafficServer implements SmartLifecycle {

    private final Server server;
    private final ServerConnector connector;

    /** @param unparsed answers (and counts) what Jetty refuses before {@code handler} sees it */
    public TrafficServer(String host, int port, Handler handler, int maxHeaderBytes, ErrorHandler unparsed) {
        QueuedThreadPool threads = new QueuedThreadPool(400, 8);
        threads.setName("edge");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(maxHeaderBytes);
        http.setUriCompliance(UriCompliance.UNSAFE);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(handler);
        server.setErrorHandler(unparsed);
        server.setStopTimeout(5_000);
    }

    @Override
    public void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("traffic port " + connector.getPort() + " could not start: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("traffic server did not stop cleanly", e);
        }
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }
}
