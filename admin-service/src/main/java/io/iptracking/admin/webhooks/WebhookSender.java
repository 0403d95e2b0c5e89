package io.iptracking.admin.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one delivery: a POST of the message's payload with the Standard Webhooks headers, signed at
 * the moment of sending. Connects only to addresses {@link Destinations} permits, resolved once per
 * connection and connected to as checked (so a name that resolves differently the second time cannot
 * slip past the check); never follows a redirect, uses no proxy, no cookies, and reads at most a few
 * bytes of the answer.
 */
public final class WebhookSender implements AutoCloseable {

    /** What became of one attempt. */
    public sealed interface Outcome {
        /** The endpoint answered 2xx. */
        record Delivered(int status) implements Outcome {
        }

        /** The endpoint answered something else, or could not be reached; {@code status} is null when nothing was answered. */
        record Failed(Integer status, String error) implements Outcome {
        }
    }

    static final String USER_AGENT = "ip-tracking-webhooks/1";
    /** How much of an answer is read before the connection is given back (the rest is not wanted). */
    private static final int MAX_ANSWER_BYTES = 4096;

    private final CloseableHttpClient http;
    private final Destinations destinations;
    private final Clock clock;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("webhook-deadlines").daemon().factory());

    public WebhookSender(Destinations destinations, Duration timeout, int maxConnections, Clock clock) {
        this.destinations = destinations;
        this.clock = clock;
        this.timeout = timeout;
        Timeout t = Timeout.of(timeout);
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return destinations.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return destinations.resolve(host)[0].getCanonicalHostName();
            }
        };
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).setConnectionRequestTimeout(t)
                        .setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent(USER_AGENT)
                .build();
    }

    public Outcome send(Deliveries.Due due) {
        URI url = URI.create(due.url());
        try {
            // Checked here too, whether or not the client resolves the host: an address literal may be refused since the
            // endpoint was registered (the destinations changed), and a name is checked again on connecting.
            destinations.resolve(url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
                    : url.getHost());
        } catch (Destinations.RefusedException e) {
            return new Outcome.Failed(null, "destination refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            return new Outcome.Failed(null, "host not found: " + url.getHost());
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpPost post = new HttpPost(url);
        post.setHeader("webhook-id", due.messageId());
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", Signature.sign(due.secret(), due.messageId(), timestamp, due.payload()));
        post.setEntity(new StringEntity(due.payload(), ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
        // The whole exchange, not only each read, ends at the deadline: a slow endpoint holds a slot that long at most.
        ScheduledFuture<?> deadline = watchdog.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response;
        try {
            response = http.executeOpen(null, post, null);
        } catch (Destinations.RefusedException e) {
            deadline.cancel(false);
            return new Outcome.Failed(null, "destination refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            deadline.cancel(false);
            return new Outcome.Failed(null, "host not found: " + post.getAuthority());
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            if (post.isCancelled()) {
                return new Outcome.Failed(null, "no answer within " + timeout.toMillis() + " ms");
            }
            return new Outcome.Failed(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        // The status is the answer; of the body, a little is read so that a short one frees the connection for reuse.
        int status = response.getCode();
        try {
            if (!readSome(response.getEntity())) {
                post.cancel(); // a longer body is not read on: the connection is dropped (closing would read the rest)
            }
        } catch (IOException | RuntimeException e) {
            post.cancel(); // a body that does not end in time is not waited for
        } finally {
            deadline.cancel(false);
            try {
                response.close();
            } catch (IOException | RuntimeException e) {
                // the connection is dropped
            }
        }
        return status >= 200 && status < 300 ? new Outcome.Delivered(status)
                : new Outcome.Failed(status, "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
    }

    /** Reads at most {@link #MAX_ANSWER_BYTES} of the answer; true when that was all of it (the connection can be reused). */
    private static boolean readSome(HttpEntity entity) throws IOException {
        if (entity == null) {
            return true;
        }
        InputStream in = entity.getContent();
        return in == null || (in.readNBytes(MAX_ANSWER_BYTES).length < MAX_ANSWER_BYTES || in.read() < 0);
    }

    @Override
    public void close() throws IOException {
        watchdog.shutdownNow();
        http.close();
    }
}
