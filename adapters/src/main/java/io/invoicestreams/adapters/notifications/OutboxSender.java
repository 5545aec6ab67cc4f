package io.invoicestreams.adapters.notifications;

import io.invoicestreams.adapters.jdbc.JdbcRowLock;
import io.invoicestreams.adapters.notifications.NotificationOutbox.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what waits in the {@link NotificationOutbox}, each row on its own: a row is sent, then marked sent; a row
 * that fails gets its attempt, its reason and a backoff, and is tried again, never dropped. Rows of one channel and
 * group (one invoice's payments, or its alerts) go out in the order they were written, so a failing row holds back
 * the later rows of its group and of nothing else.
 *
 * <p>One node at a time sends, under the {@link JdbcRowLock} of {@link NotificationOutbox#LOCK}. A pass starts
 * when a commit added rows and at least every {@link Settings#tick()}, for the retries.
 *
 * <p>A message can go out twice only if the node stops (or loses the database) between sending it and marking it;
 * sent rows are marked in batches of {@value #MARK_BATCH}, so at most that many (and those in flight) go out again,
 * at once, with the same deduplication ids, well inside the five minutes in which a FIFO queue or topic drops a
 * second copy.
 */
public final class OutboxSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
    private static final int PASS_ROWS = 1000;
    /** Sent rows marked in one transaction. */
    static final int MARK_BATCH = 20;

    /**
     * @param parallelism   groups sent side by side
     * @param firstBackoff  the wait after a first failure; it doubles with each failure
     * @param maxBackoff    the longest wait between attempts
     * @param tick          the longest time between passes
     * @param keepSent      how long sent rows are kept
     */
    public record Settings(int parallelism, Duration firstBackoff, Duration maxBackoff, Duration tick,
                           Duration keepSent) {
        public Settings {
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be 1 or more, was " + parallelism);
            }
            if (!firstBackoff.isPositive() || maxBackoff.compareTo(firstBackoff) < 0 || !tick.isPositive()
                    || !keepSent.isPositive()) {
                throw new IllegalArgumentException("backoffs, tick and keep-sent must be positive, and the longest"
                        + " backoff at least the first");
            }
        }

        public static Settings defaults() {
            return new Settings(4, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(1),
                    Duration.ofDays(7));
        }
    }

    /** What one pass did; {@code more} when it saw as many rows as a pass takes, so more may be due. */
    public record Pass(int sent, int failed, boolean more) {
        static final Pass NONE = new Pass(0, 0, false);
    }

    private final NotificationOutbox outbox;
    private final Map<String, MessageChannel> channels;
    private final JdbcRowLock lock;
    private final Clock clock;
    private final Settings settings;
    private final ExecutorService senders;
    private final Semaphore wake = new Semaphore(0);
    private volatile Instant lastPurge = Instant.EPOCH;
    private Thread loop;
    private volatile boolean closed;

    public OutboxSender(NotificationOutbox outbox, Map<String, MessageChannel> channels, JdbcRowLock lock, Clock clock,
                        Settings settings) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.channels = Map.copyOf(channels);
        this.lock = Objects.requireNonNull(lock, "lock");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("outbox-send-", 0).factory());
    }

    /** Asks for a pass soon; cheap, and many calls make one pass. */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Starts sending in the background. Idempotent. */
    public synchronized void start() {
        if (loop != null || closed) {
            return;
        }
        outbox.onAdded(this::wake);
        loop = Thread.ofPlatform().daemon().name("notification-outbox").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                wake.tryAcquire(settings.tick().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (closed) {
                    return;
                }
                if (sendDue().more()) {
                    wake();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Sending the outbox failed; its messages wait and are tried again: {}", e.toString());
                try {
                    Thread.sleep(settings.tick().toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /**
     * One pass: sends every due row while this node holds the lock, and purges old sent rows now and then. Answers
     * what it did; nothing when another node holds the lock.
     */
    public Pass sendDue() {
        return lock.alone(this::pass, Pass.NONE);
    }

    private Pass pass() {
        purgeNowAndThen();
        Instant now = clock.instant();
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        List<Row> due = outbox.due(now, PASS_ROWS);
        for (Row row : due) {
            groups.computeIfAbsent(row.channel() + '\u0000' + row.message().groupId(), k -> new ArrayList<>()).add(row);
        }
        AtomicInteger failed = new AtomicInteger();
        Marks marks = new Marks();
        Semaphore slots = new Semaphore(settings.parallelism());
        List<Future<?>> running = new ArrayList<>();
        for (List<Row> group : groups.values()) {
            slots.acquireUninterruptibly();
            running.add(senders.submit(() -> {
                try {
                    sendInOrder(group, marks, failed);
                } finally {
                    slots.release();
                }
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending the outbox", e);
            } catch (ExecutionException e) {
                LOG.warn("A group of outbox messages stopped: {}", e.getCause().toString());
            }
        }
        marks.flush();
        return new Pass(marks.total, failed.get(), due.size() == PASS_ROWS);
    }

    /**
     * Rows sent in this pass, marked in batches of {@link #MARK_BATCH} in one transaction each, rather than one
     * commit per message. A node that stops between a send and its mark sends at most that many again, at once, with
     * the same deduplication ids.
     */
    private final class Marks {
        private final List<Long> pending = new ArrayList<>();
        private int total;

        synchronized void sent(long seq) {
            pending.add(seq);
            total++;
            if (pending.size() >= MARK_BATCH) {
                flush();
            }
        }

        synchronized void flush() {
            if (!pending.isEmpty()) {
                outbox.sent(List.copyOf(pending), clock.instant());
                pending.clear();
            }
        }
    }

    private void sendInOrder(List<Row> group, Marks marks, AtomicInteger failed) {
        for (Row row : group) {
            MessageChannel channel = channels.get(row.channel());
            try {
                if (channel == null) {
                    throw new IllegalStateException("no channel '" + row.channel() + "' in this node; channels: "
                            + channels.keySet());
                }
                channel.send(row.message());
            } catch (RuntimeException e) {
                int attempts = row.attempts() + 1;
                Instant next = clock.instant().plus(backoff(attempts));
                outbox.failed(row.seq(), attempts, next, e.toString());
                failed.incrementAndGet();
                LOG.warn("The {} message of event {} was not sent (attempt {}, next at {}): {}", row.channel(),
                        row.message().deduplicationId(), attempts, next, e.toString());
                return; // the rest of the group waits behind it
            }
            marks.sent(row.seq());
        }
    }

    /** The wait after the n-th failed attempt: the first backoff, doubled each time, at most the longest. */
    Duration backoff(int attempts) {
        Duration wait = settings.firstBackoff();
        for (int i = 1; i < attempts && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    private void purgeNowAndThen() {
        Instant now = clock.instant();
        if (Duration.between(lastPurge, now).compareTo(Duration.ofMinutes(1)) < 0) {
            return;
        }
        lastPurge = now;
        int purged = outbox.purgeSentBefore(now.minus(settings.keepSent()));
        if (purged > 0) {
            LOG.info("Purged {} sent outbox messages older than {}", purged, settings.keepSent());
        }
    }

    /** Stops sending; a pass under way finishes its sends. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        wake.release();
        if (loop != null) {
            try {
                loop.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        senders.shutdown();
    }
}
