package io.invoicestreams.app;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A readiness probe of a dependency that answers within {@link #WAIT} or counts as down. A dependency behind a black
 * hole (a connection accepted and never answered) would otherwise hold the health request until the client's own call
 * timeout, or for good. The probe runs on a virtual thread; while one is still waiting for its answer, later checks
 * wait on that one instead of starting another, so a silent dependency never piles up threads or connections.
 */
public final class BoundedProbe {

    /** The longest a readiness check waits for one dependency. */
    public static final Duration WAIT = Duration.ofSeconds(2);

    private final String name;
    private final OneInFlight<Optional<String>> probe;

    /**
     * @param name  what is probed, for the reason given when it does not answer
     * @param probe why the dependency cannot be used, or empty when it can
     */
    public BoundedProbe(String name, Supplier<Optional<String>> probe) {
        this.name = name;
        this.probe = new OneInFlight<>("probe-" + name.replace(' ', '-'), probe);
    }

    /** Why the dependency is down, or empty when it answered within {@link #WAIT}. */
    public Optional<String> problem() {
        try {
            return probe.within(WAIT);
        } catch (TimeoutException e) {
            return Optional.of(name + " did not answer within " + WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return Optional.of(name + ": " + (cause.getMessage() == null ? cause : cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while waiting for " + name);
        }
    }
}
