package io.invoicestreams.app;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Work a feature runs in the background on a fixed delay, on a daemon thread of its own: started once by the
 * lifecycle, stopped by it before the store, and closed again by the container. The work handles its own failures;
 * one that escapes would stop the timer.
 */
public class Periodic implements AutoCloseable {

    private final String threadName;
    private final Duration delay;
    private final Runnable work;
    private ScheduledExecutorService timer;

    protected Periodic(String threadName, Duration delay, Runnable work) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.delay = Objects.requireNonNull(delay, "delay");
        this.work = Objects.requireNonNull(work, "work");
    }

    /** Runs the work every {@code delay}, the first time after one delay. Idempotent. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
        timer.scheduleWithFixedDelay(work, delay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the work; a run under way is interrupted. Idempotent. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
