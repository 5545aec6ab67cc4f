package io.invoicestreams.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A call to a dependency that a caller waits for only so long: it runs on a virtual thread, and while one call still
 * waits for its answer, later callers wait on that one instead of starting another. A dependency that never answers
 * (a black hole) then holds neither the caller nor more than one thread. Used by the readiness probes and by the
 * metrics read from the store.
 */
public final class OneInFlight<T> {

    private final String name;
    private final Supplier<T> call;
    private CompletableFuture<T> running;

    /** @param name the thread's name, for thread dumps */
    public OneInFlight(String name, Supplier<T> call) {
        this.name = name;
        this.call = call;
    }

    /**
     * The call's result, waiting at most {@code wait}.
     *
     * @throws TimeoutException   when it did not answer in time (it goes on, and a later caller may get its result)
     * @throws ExecutionException when it failed
     */
    public T within(Duration wait) throws TimeoutException, ExecutionException, InterruptedException {
        return start().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized CompletableFuture<T> start() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.supplyAsync(call, task -> Thread.ofVirtual().name(name).start(task));
        }
        return running;
    }
}
