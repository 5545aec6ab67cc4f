package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.source.ShardLag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the stream consumer's coordinator and its shard workers share: the leases being read and read out, the
 * health they report, and the signal to stop. Every field is safe to use from any thread.
 */
final class ConsumerState {

    /** Leases a worker reads now. */
    final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Leases of shards read to their end. */
    final Set<String> finished = ConcurrentHashMap.newKeySet();
    /** Leases this node hands back at the next record batch, to keep to its share. */
    final Set<String> toRelease = ConcurrentHashMap.newKeySet();
    /** The lag of each shard this node reads, or read until a failure and will claim again, by lease. */
    final Map<String, ShardLag> lags = new ConcurrentHashMap<>();
    final AtomicReference<String> currentStream = new AtomicReference<>();
    final AtomicReference<Instant> lastPoll = new AtomicReference<>(Instant.EPOCH);
    final AtomicReference<String> lastError = new AtomicReference<>();
    final AtomicReference<String> dataLoss = new AtomicReference<>();
    final AtomicReference<Instant> failingSince = new AtomicReference<>();

    private final Clock clock;
    private final Object wakeUp = new Object();
    private volatile boolean stopping;

    ConsumerState(Clock clock) {
        this.clock = clock;
    }

    boolean stopping() {
        return stopping;
    }

    /** A failure, kept as the last error; the first since things last worked starts the failing time. */
    void error(String message) {
        lastError.set(message);
        failingSince.compareAndSet(null, clock.instant());
    }

    /** A poll answered: the stream is read. */
    void polled() {
        lastPoll.set(clock.instant());
    }

    /** Records were read and stored, or a poll found nothing: nothing is failing. */
    void healthy() {
        failingSince.set(null);
    }

    /** Waits, unless stopping; {@link #wakeAll} or {@link #stop} ends the wait early. */
    void pause(Duration duration) {
        synchronized (wakeUp) {
            if (stopping) {
                return;
            }
            try {
                wakeUp.wait(Math.max(1, duration.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    /** This node no longer reads the shard: its lag is no longer reported. */
    void forgetLag(String lease, String shardId, StreamMetrics metrics) {
        if (lags.remove(lease) != null) {
            metrics.shardStopped(shardId);
        }
    }

    void wakeAll() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    void stop() {
        stopping = true;
        wakeAll();
    }
}
