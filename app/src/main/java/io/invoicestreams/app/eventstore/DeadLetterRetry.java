package io.invoicestreams.app.eventstore;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Retries the parked events whose backoff is over, on a timer; the serving process starts it. */
public final class DeadLetterRetry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeadLetterRetry.class);

    private final DeadLetters.Queues queues;
    private final Duration interval;
    private ScheduledExecutorService timer;

    DeadLetterRetry(DeadLetters.Queues queues, Duration interval) {
        this.queues = queues;
        this.interval = interval;
    }

    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("dead-letter-retry")
                .factory());
        timer.scheduleWithFixedDelay(this::retryDue, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void retryDue() {
        for (String group : queues.groups()) {
            try {
                queues.retryDue(group);
            } catch (RuntimeException e) {
                LOG.warnf("Retrying the parked events of %s failed; tried again later: %s", group, e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
