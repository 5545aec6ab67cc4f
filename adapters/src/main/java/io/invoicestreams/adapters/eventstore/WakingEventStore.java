package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Axon's embedded event store, with tracking streams that wake their processor as soon as events can be read,
 * instead of being polled.
 * <p>
 * Axon's own streams do not support an availability callback, so a pooled streaming processor looks for new events
 * every 500 ms; and the embedded store's shared reader is told of a local append before our JDBC transaction
 * commits, when the events cannot be read yet, and then waits a second. Both waits were most of the half second
 * between a change and its read models (issue 14). Here:
 * <ul>
 *   <li>each stream reads the storage engine itself, from its own token (gap-aware, as Axon's private streams);</li>
 *   <li>an append in this process wakes every open stream once its JDBC transaction has committed;</li>
 *   <li>a watcher reads the store's head every {@code pollInterval} and wakes the streams when it moved, for events
 *       appended by other nodes, and wakes them at least every {@code fallbackInterval} anyway, for a gap filled
 *       late by another node's transaction (the head does not move then).</li>
 * </ul>
 * A woken stream calls its processor's callback, which runs the processor's coordination at once.
 */
public final class WakingEventStore extends EmbeddedEventStore {

    private static final Logger LOG = LoggerFactory.getLogger(WakingEventStore.class);

    private final JdbcTransactions transactions;
    private final Duration pollInterval;
    private final Duration fallbackInterval;
    private final Set<WakingStream> streams = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    private volatile boolean closed;

    private WakingEventStore(Builder builder) {
        super(builder);
        this.transactions = builder.transactions;
        this.pollInterval = builder.pollInterval;
        this.fallbackInterval = builder.fallbackInterval;
        this.watcher = Thread.ofVirtual().name("event-store-watcher").unstarted(this::watch);
    }

    /**
     * @param transactions the store's transactions: a local append wakes the streams after they commit
     * @param pollInterval how often the store's head is read for events appended by other nodes
     */
    public static Builder builder(JdbcTransactions transactions, Duration pollInterval) {
        return new Builder(transactions, pollInterval);
    }

    /** Called by Axon after the unit of work that appended {@code events} commits, inside our JDBC transaction. */
    @Override
    protected void afterCommit(List<? extends EventMessage<?>> events) {
        if (!events.isEmpty()) {
            transactions.afterCommit(this::wakeStreams);
        }
    }

    @Override
    public TrackingEventStream openStream(TrackingToken trackingToken) {
        WakingStream stream = new WakingStream(trackingToken);
        streams.add(stream);
        synchronized (watcher) {
            if (!closed && watcher.getState() == Thread.State.NEW) {
                watcher.start();
            }
        }
        return stream;
    }

    /** Wakes every open stream: new events may be readable. */
    public void wakeStreams() {
        for (WakingStream stream : streams) {
            stream.wake();
        }
    }

    /** How many streams are open now; for tests and status. */
    int openStreams() {
        return streams.size();
    }

    @Override
    public void shutDown() {
        closed = true;
        watcher.interrupt();
        streams.forEach(WakingStream::close);
        super.shutDown();
    }

    private void watch() {
        Optional<TrackingToken> lastHead = Optional.empty();
        long lastWake = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(pollInterval);
                if (streams.isEmpty()) {
                    continue;
                }
                Optional<TrackingToken> head = Optional.ofNullable(storageEngine().createHeadToken());
                boolean moved = !head.equals(lastHead);
                lastHead = head;
                if (moved || System.nanoTime() - lastWake >= fallbackInterval.toNanos()) {
                    lastWake = System.nanoTime();
                    wakeStreams();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The store is unreachable; the processors report it themselves. Try again at the next interval.
                LOG.debug("Could not read the event store's head: {}", e.toString());
            }
        }
    }

    /**
     * One processor's stream. Read by one thread (the processor's coordinator); woken from any thread. It reads the
     * storage engine again only after a wake, or after {@code fallbackInterval} without one, so a coordinator that
     * asks several times in a row costs one query.
     */
    private final class WakingStream implements TrackingEventStream {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition woken = lock.newCondition();
        private volatile long wakes;
        private volatile Runnable callback = () -> { };
        private volatile boolean streamClosed;
        private long wakesAtLastRead = -1;
        private long lastReadNanos;
        private TrackingToken lastToken;
        private Stream<? extends TrackedEventMessage<?>> page;
        private Iterator<? extends TrackedEventMessage<?>> iterator;
        private TrackedEventMessage<?> peeked;

        WakingStream(TrackingToken start) {
            this.lastToken = start;
        }

        void wake() {
            signal();
            callback.run();
        }

        private void signal() {
            lock.lock();
            try {
                wakes++;
                woken.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            this.callback = Objects.requireNonNull(callback, "callback");
            return true;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return hasNextAvailable() ? Optional.of(peeked) : Optional.empty();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (!streamClosed) {
                if (peeked != null || readNext()) {
                    return true;
                }
                lock.lock();
                try {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    if (wakes == wakesAtLastRead) {
                        woken.awaitNanos(Math.min(remaining, fallbackInterval.toNanos()));
                    }
                } finally {
                    lock.unlock();
                }
            }
            return false;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            while (!hasNextAvailable(Integer.MAX_VALUE, TimeUnit.MILLISECONDS)) {
                if (streamClosed) {
                    throw new IllegalStateException("the event stream is closed");
                }
            }
            TrackedEventMessage<?> next = peeked;
            peeked = null;
            return next;
        }

        /** The next event of the open page, or of a new read when woken since the last one; false when none. */
        private boolean readNext() {
            if (iterator == null || !iterator.hasNext()) {
                long seen = wakes;
                boolean due = System.nanoTime() - lastReadNanos >= fallbackInterval.toNanos();
                if (seen == wakesAtLastRead && !due) {
                    return false;
                }
                closePage();
                wakesAtLastRead = seen;
                lastReadNanos = System.nanoTime();
                page = storageEngine().readEvents(lastToken, false);
                iterator = page.iterator();
                if (!iterator.hasNext()) {
                    return false;
                }
            }
            peeked = iterator.next();
            lastToken = peeked.trackingToken();
            return true;
        }

        private void closePage() {
            if (page != null) {
                page.close();
            }
            page = null;
            iterator = null;
        }
        /** Ends the stream; a reader waiting in it returns. Its page holds no connection (the engine reads in
         *  batches), so it is left to the reader's thread. */
        @Override
        public void close() {
            streamClosed = true;
            streams.remove(this);
            signal();
        }
    }

    /** Builds the store; every option of the embedded store's builder applies. */
    public static final class Builder extends EmbeddedEventStore.Builder {

        private final JdbcTransactions transactions;
        private final Duration pollInterval;
        private Duration fallbackInterval = Duration.ofSeconds(1);

        private Builder(JdbcTransactions transactions, Duration pollInterval) {
            this.transactions = Objects.requireNonNull(transactions, "transactions");
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("the event store's poll interval must be positive, was "
                        + pollInterval);
            }
        }

        /** The longest a stream goes without reading the store, whatever the wakes; 1 s by default. */
        public Builder fallbackInterval(Duration fallbackInterval) {
            this.fallbackInterval = Objects.requireNonNull(fallbackInterval, "fallbackInterval");
            return this;
        }

        @Override
        public WakingEventStore build() {
            return new WakingEventStore(this);
        }
    }
}
