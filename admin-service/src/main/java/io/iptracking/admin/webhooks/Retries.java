package io.iptracking.admin.webhooks;

import java.time.Duration;
import java.time.Instant;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * When a failed delivery is tried again: Spring's exponential backoff (doubling from the first interval
 * up to the longest, with jitter), for as long as {@code retryFor} from when its retries began. After
 * that, it is dead.
 */
public final class Retries {

    private final ExponentialBackOff backOff;
    private final Duration retryFor;

    public Retries(Duration firstInterval, Duration maxInterval, Duration retryFor) {
        this.backOff = new ExponentialBackOff(firstInterval.toMillis(), 2.0);
        backOff.setMaxInterval(maxInterval.toMillis());
        backOff.setJitter(firstInterval.toMillis() / 4);
        // Bounds the work below; the time limit ends retries long before (a doubling interval passes any day in 40 steps).
        backOff.setMaxAttempts(10_000);
        this.retryFor = retryFor;
    }

    /**
     * @param attemptsMade attempts so far, the failed one included (1 after the first)
     * @return when to try again, or null when the retries are over
     */
    public Instant next(int attemptsMade, Instant retryFrom, Instant now) {
        Instant next = now.plus(interval(attemptsMade));
        return next.isAfter(retryFrom.plus(retryFor)) ? null : next;
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration interval(int failures) {
        BackOffExecution execution = backOff.start();
        long interval = 0;
        for (int i = 0; i < Math.min(Math.max(failures, 1), 10_000); i++) {
            long next = execution.nextBackOff();
            if (next == BackOffExecution.STOP) {
                break;
            }
            interval = next;
        }
        return Duration.ofMillis(interval);
    }

    public Duration retryFor() {
        return retryFor;
    }
}
