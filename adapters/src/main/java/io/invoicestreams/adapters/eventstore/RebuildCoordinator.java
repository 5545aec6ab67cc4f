package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.projections.Fold;
import io.invoicestreams.projections.Replaced;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.serialization.upcasting.event.NoOpEventUpcaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds read models while every node serves (issue 15, ADR 0022), coordinated through the event store's database.
 *
 * <p>A rebuild is a row in {@value #TABLE}. Any node (or the command line) asks for one; every node that runs the
 * read model stops its processor while the row is active, so that nobody writes the read model but the rebuild; one
 * node takes the row and keeps it alive with a heartbeat. It folds the history in memory ({@link HistoryFold}),
 * writes the folded items over the live read model, and then, in one transaction, sets the processor's tokens to the
 * position it folded up to, drops the dead letters it folded, and marks the row done. The nodes start their
 * processors again, which go on from that position: no event is missed or handled twice. A node that dies while it
 * rebuilds stops its heartbeat, and another node that runs the read model starts the rebuild again; its writes are
 * complete items, so a half-done rebuild is a valid, older state, never a partial one.
 */
public final class RebuildCoordinator implements AutoCloseable {

    public static final String TABLE = "invoice_rebuild";

    private static final Logger LOG = LoggerFactory.getLogger(RebuildCoordinator.class);

    /** Where a rebuild is. */
    public enum State {
        /** Asked for; the nodes stop their processors and one of them takes it. */
        REQUESTED,
        /** A node folds and writes. */
        RUNNING,
        /** Written, and the processors go on from where the fold stopped. */
        DONE,
        /** Stopped with an error; the processors went on from where they were. */
        FAILED;

        public boolean active() {
            return this == REQUESTED || this == RUNNING;
        }
    }

    /**
     * A rebuild as its row says.
     *
     * @param owner    the node that runs it; while REQUESTED, the node it waits for (a read model whose part lives
     *                 in one node), or null for any
     * @param target   the store's head it folds up to; -1 until known
     * @param position the global index folded up to
     * @param events   events folded
     * @param items    items folded (then written)
     * @param message  why it failed, or what it wrote
     */
    public record Rebuild(String name, State state, String owner, long target, long position, long events, long items,
                          Instant requested, Instant started, Instant heartbeat, Instant finished, String message) {

        /** Events folded per second since it started. */
        public double eventsPerSecond(Instant now) {
            if (started == null) {
                return 0;
            }
            Instant end = finished != null ? finished : now;
            double seconds = Duration.between(started, end).toMillis() / 1000.0;
            return seconds <= 0 ? 0 : events / seconds;
        }

        /** Seconds left at the current rate, or -1 when not known. */
        public long etaSeconds(Instant now) {
            double rate = eventsPerSecond(now);
            if (!state.active() || rate <= 0 || target < 0) {
                return state.active() ? -1 : 0;
            }
            // Positions are global indexes: close to a count of events, read models read only their own types.
            double fraction = target <= 0 ? 1 : Math.min(1, (double) position / target);
            double seconds = Duration.between(started, now).toMillis() / 1000.0;
            return fraction <= 0 ? -1 : Math.round(seconds / fraction - seconds);
        }
    }

    /** A rebuild cannot be asked for; the message says why. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private final InvoiceEventStore store;
    private final JdbcTransactions transactions;
    private final String node;
    private final Map<String, Supplier<Fold>> folds;
    private final Set<String> inThisNode;
    private final int segments;
    private final Clock clock;
    private final Duration claimTimeout;
    private final Duration deadAfter;
    private final HistoryFold history;
    private final Set<String> stoppedHere = ConcurrentHashMap.newKeySet();
    private final Map<String, Runnable> beforeResume = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticks;
    /** Heartbeats on a thread of their own: a tick that waits for a processor to stop must not delay them. */
    private final ScheduledExecutorService beats;
    private final ExecutorService workers;
    private volatile boolean closing;
    /** The read models with an active rebuild at the last tick; null before the first. */
    private volatile Set<String> activeSeen;

    /**
     * @param folds        per read model this node may rebuild, a new fold of it
     * @param segments     segments of a processor that has no tokens yet
     * @param claimTimeout the token store's: a claim not renewed for this long is a dead node's
     * @param deadAfter    a rebuild whose heartbeat is older than this is taken over by another node
     */
    public RebuildCoordinator(InvoiceEventStore store, String node, Map<String, Supplier<Fold>> folds, int segments,
                              Clock clock, Duration claimTimeout, Duration deadAfter) {
        this(store, node, folds, Set.of(), segments, clock, claimTimeout, deadAfter);
    }

    /**
     * @param inThisNode the read models among {@code folds} whose part lives in this node (the search index in
     *                   Lucene): only the node that asks for their rebuild runs it, and only when no other node
     *                   processes them; another node takes it only after the asking node has gone quiet
     */
    public RebuildCoordinator(InvoiceEventStore store, String node, Map<String, Supplier<Fold>> folds,
                              Set<String> inThisNode, int segments, Clock clock, Duration claimTimeout,
                              Duration deadAfter) {
        this.inThisNode = Set.copyOf(inThisNode);
        this.store = Objects.requireNonNull(store, "store");
        this.transactions = store.transactions();
        this.node = Objects.requireNonNull(node, "node");
        this.folds = Map.copyOf(folds);
        this.segments = segments;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.claimTimeout = Objects.requireNonNull(claimTimeout, "claimTimeout");
        this.deadAfter = Objects.requireNonNull(deadAfter, "deadAfter");
        this.history = new HistoryFold(transactions, InvoiceEventStore.serializer(), NoOpEventUpcaster.INSTANCE);
        this.ticks = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("rebuild-coordinator").factory());
        this.beats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("rebuild-heartbeat").factory());
        this.workers = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("rebuild-", 0).factory());
        createSchema();
    }

    /** Looks at the rebuilds every {@code every}: stops and starts this node's processors, takes rebuilds to run. */
    public RebuildCoordinator start(Duration every) {
        ticks.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warn("rebuild coordination failed; trying again: {}", e.toString());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * What this node does before its processor of the read model resumes after a rebuild, whichever node ran it
     * (the shadow-table option reads the read model's pointer again). When it fails, the processor stays stopped
     * and the next tick tries again.
     */
    public RebuildCoordinator beforeResume(String name, Runnable action) {
        beforeResume.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(action, "action"));
        return this;
    }

    /** The read models this node can rebuild. */
    public Set<String> names() {
        return folds.keySet();
    }

    /**
     * Asks for a rebuild of a read model; every node sees it within a tick.
     *
     * @return the rebuild asked for, or the one already under way
     * @throws Refused when this node cannot fold that read model
     */
    public Rebuild request(String name) {
        if (!folds.containsKey(name)) {
            throw new Refused("'" + name + "' has no fast rebuild here; read models that have one: "
                    + new java.util.TreeSet<>(folds.keySet()));
        }
        String pinned = null;
        if (inThisNode.contains(name)) {
            List<String> others = liveClaims(name).stream().filter(owner -> !owner.equals(node)).distinct().toList();
            if (!others.isEmpty()) {
                throw new Refused("'" + name + "' lives inside the node that runs it (" + others + "), so only that"
                        + " node can rebuild it: ask it there (POST /admin/projections/" + name + "/rebuild)");
            }
            pinned = node;
        }
        String owner = pinned;
        long now = clock.millis();
        try {
            transactions.executeInTransaction(() -> {
                Optional<Rebuild> current = read(name, true);
                if (current.isPresent() && current.get().state().active()) {
                    return;
                }
                update(current.isPresent()
                                ? "UPDATE " + TABLE + " SET state = ?, owner = ?, target = -1, position = -1,"
                                + " events = 0, items = 0, requested = ?, started = NULL, heartbeat = NULL,"
                                + " finished = NULL, message = NULL WHERE name = ?"
                                : "INSERT INTO " + TABLE + " (state, owner, requested, name, target, position, events,"
                                + " items) VALUES (?, ?, ?, ?, -1, -1, 0, 0)",
                        State.REQUESTED.name(), owner, now, name);
            });
        } catch (RuntimeException e) {
            // Two nodes asked for the first rebuild of a read model at once: the other's row stands.
            if (!InvoiceEventStore.lostTheRace(e)) {
                throw e;
            }
        }
        Rebuild asked = status(name).orElseThrow();
        Set<String> seen = activeSeen;
        if (seen != null && asked.state().active()) {
            Set<String> marked = new HashSet<>(seen);
            marked.add(name);
            activeSeen = Set.copyOf(marked);
        }
        return asked;
    }

    public Optional<Rebuild> status(String name) {
        return transactions.fetchInTransaction(() -> read(name, false));
    }

    /**
     * True while a rebuild of the read model is asked for or under way. Once the coordinator looks at the rebuilds on
     * its timer, this is what it saw last (at most a tick old), so that the read endpoints ask the store nothing more.
     */
    public boolean active(String name) {
        Set<String> seen = activeSeen;
        return seen != null ? seen.contains(name) : status(name).map(r -> r.state().active()).orElse(false);
    }

    /** Every rebuild recorded, the newest of each read model. */
    public List<Rebuild> all() {
        return transactions.fetchInTransaction(() -> query("SELECT " + COLUMNS + " FROM " + TABLE + " ORDER BY name"));
    }

    /** One look at the rebuilds; {@link #start} runs it on a timer. */
    public void tick() {
        Map<String, Rebuild> rows = new java.util.HashMap<>();
        all().forEach(r -> rows.put(r.name(), r));
        activeSeen = rows.values().stream().filter(r -> r.state().active()).map(Rebuild::name)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        Map<String, StreamingEventProcessor> processors = ProjectionControl.processors(store);
        for (Map.Entry<String, StreamingEventProcessor> p : processors.entrySet()) {
            Rebuild row = rows.get(p.getKey());
            boolean active = row != null && row.state().active();
            if (active && stoppedHere.add(p.getKey())) {
                LOG.info("rebuild of {} asked: stopping its processor on this node", p.getKey());
                p.getValue().shutDown();
            } else if (!active && stoppedHere.contains(p.getKey())) {
                try {
                    beforeResume.getOrDefault(p.getKey(), () -> { }).run();
                } catch (RuntimeException e) {
                    LOG.warn("rebuild of {}: not resuming its processor yet: {}", p.getKey(), e.toString());
                    continue; // the next tick tries again
                }
                stoppedHere.remove(p.getKey());
                LOG.info("rebuild of {} {}: starting its processor again", p.getKey(),
                        row == null ? "gone" : row.state().name().toLowerCase(java.util.Locale.ROOT));
                p.getValue().start();
            }
        }
        Instant now = clock.instant();
        for (Rebuild row : rows.values()) {
            boolean orphaned = row.state() == State.RUNNING && !jobs.containsKey(row.name())
                    && (row.heartbeat() == null || row.heartbeat().plus(deadAfter).isBefore(now));
            // A rebuild asked for on a node that holds the read model's part is that node's, unless it went quiet.
            boolean othersPinned = row.state() == State.REQUESTED && row.owner() != null && !row.owner().equals(node)
                    && !row.requested().plus(deadAfter).isBefore(now);
            if (folds.containsKey(row.name()) && !jobs.containsKey(row.name())
                    && ((row.state() == State.REQUESTED && !othersPinned) || orphaned) && take(row)) {
                Job job = new Job(row.name());
                jobs.put(row.name(), job);
                workers.submit(job);
            }
        }
    }

    private boolean take(Rebuild row) {
        long now = clock.millis();
        int taken = transactions.fetchInTransaction(() -> update("UPDATE " + TABLE + " SET state = ?, owner = ?,"
                        + " started = ?, heartbeat = ?, target = -1, position = -1, events = 0, items = 0,"
                        + " message = NULL WHERE name = ? AND state = ? AND "
                        + (row.heartbeat() == null ? "heartbeat IS NULL" : "heartbeat = ?"),
                row.heartbeat() == null
                        ? new Object[]{State.RUNNING.name(), node, now, now, row.name(), row.state().name()}
                        : new Object[]{State.RUNNING.name(), node, now, now, row.name(), row.state().name(),
                        row.heartbeat().toEpochMilli()}));
        if (taken == 1) {
            LOG.info("rebuild of {}: taken by this node ({}){}", row.name(), node,
                    row.state() == State.RUNNING ? ", from " + row.owner() + " whose heartbeat stopped" : "");
        }
        return taken == 1;
    }

    /** One rebuild run on this node. */
    private final class Job implements Runnable {
        private final String name;
        private volatile long target = -1;
        private volatile long position = -1;
        private volatile long events;
        private volatile long items;
        private volatile Thread thread;
        private volatile boolean lost;

        Job(String name) {
            this.name = name;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            var beat = beats.scheduleWithFixedDelay(this::heartbeat, 1, 1, TimeUnit.SECONDS);
            try {
                Fold fold = folds.get(name).get();
                awaitReleased();
                long started = System.nanoTime();
                HistoryFold.Folded folded = history.fold(fold, (at, head, count) -> {
                    target = head;
                    position = at;
                    events = count;
                    items = fold.size();
                });
                target = folded.target();
                items = fold.size();
                LOG.info("rebuild of {}: folded {} events into {} items in {} ms", name, folded.events(), items,
                        (System.nanoTime() - started) / 1_000_000);
                requireOwned();
                awaitReleased();
                Replaced replaced = fold.writeOver();
                requireOwned();
                handOver(folded, replaced);
                LOG.info("rebuild of {}: done up to {}; {} items written, {} deleted", name, folded.target(),
                        replaced.written(), replaced.deleted());
            } catch (LostRebuild gone) {
                LOG.warn("rebuild of {}: {}", name, gone.getMessage());
            } catch (RuntimeException e) {
                if (lost) {
                    LOG.warn("rebuild of {}: stopped; another node runs it", name);
                } else if (closing) {
                    // This node stops: like a node that dies, it leaves the rebuild to another node.
                    LOG.warn("rebuild of {}: stopped with this node; another node takes it over", name);
                } else {
                    LOG.error("rebuild of {} failed", name, e);
                    fail(e);
                }
            } finally {
                beat.cancel(false);
                thread = null;
                Thread.interrupted();
                jobs.remove(name);
            }
        }

        /**
         * Keeps the rebuild this node's. When the row is no longer this node's (another node took it over after a
         * pause longer than the dead time), the job is interrupted at once, so that it stops writing items of an
         * older position over the newer rebuild's within a second.
         */
        private void heartbeat() {
            try {
                int kept = transactions.fetchInTransaction(() -> update("UPDATE " + TABLE + " SET heartbeat = ?,"
                                + " target = ?, position = ?, events = ?, items = ? WHERE name = ? AND owner = ? AND"
                                + " state = ?", clock.millis(), target, position, events, items, name, node,
                        State.RUNNING.name()));
                Thread running = thread;
                if (kept == 0 && running != null) {
                    LOG.warn("rebuild of {}: no longer this node's; stopping it", name);
                    lost = true;
                    running.interrupt();
                }
            } catch (RuntimeException e) {
                LOG.warn("rebuild of {}: heartbeat failed: {}", name, e.toString());
            }
        }

        /** Stops unless this node still owns the rebuild: another may have taken it after a long pause. */
        private void requireOwned() {
            Rebuild row = status(name).orElseThrow(() -> new LostRebuild("its row is gone"));
            if (row.state() != State.RUNNING || !node.equals(row.owner())) {
                throw new LostRebuild("it is now " + row.state() + " on " + row.owner() + "; this node stops");
            }
        }

        /** Waits until no live node claims a segment of the read model; the nodes stop within a tick or two. */
        private void awaitReleased() {
            long deadline = System.nanoTime() + claimTimeout.multipliedBy(3).plusSeconds(10).toNanos();
            while (true) {
                List<String> holders = liveClaims(name);
                if (holders.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("segments of '" + name + "' are still claimed by " + holders
                            + "; a node that runs it does not stop its processor for rebuilds (an older version?)");
                }
                requireOwned();
                pause(100);
            }
        }

        /** Tokens to where the fold stopped, folded dead letters dropped, row done: one transaction. */
        private void handOver(HistoryFold.Folded folded, Replaced replaced) {
            TokenStore tokens = store.tokenStore();
            transactions.executeInTransaction(() -> {
                int done = update("UPDATE " + TABLE + " SET state = ?, finished = ?, heartbeat = ?, target = ?,"
                                + " position = ?, events = ?, items = ?, message = ? WHERE name = ? AND owner = ?"
                                + " AND state = ?", State.DONE.name(), clock.millis(), clock.millis(),
                        folded.target(), folded.target(), folded.events(), replaced.written(),
                        replaced.written() + " items written, " + replaced.deleted() + " deleted", name, node,
                        State.RUNNING.name());
                if (done != 1) {
                    throw new LostRebuild("another node took it over before it was handed over");
                }
                TrackingToken token = folded.token();
                int[] existing = tokens.fetchSegments(name);
                if (existing.length == 0) {
                    tokens.initializeTokenSegments(name, segments, token);
                }
                for (int segment : existing) {
                    tokens.fetchToken(name, segment);
                    tokens.storeToken(token, name, segment);
                    tokens.releaseClaim(name, segment);
                }
                if (folded.target() >= 0) {
                    update("DELETE FROM " + DeadLetters.TABLE + " WHERE processingGroup = ? AND eventIdentifier IN"
                            + " (SELECT eventIdentifier FROM DomainEventEntry WHERE globalIndex <= ?)", name,
                            folded.target());
                }
            });
        }

        private void fail(RuntimeException e) {
            try {
                transactions.executeInTransaction(() -> update("UPDATE " + TABLE + " SET state = ?, finished = ?,"
                                + " message = ? WHERE name = ? AND owner = ? AND state = ?", State.FAILED.name(),
                        clock.millis(), abbreviate(String.valueOf(e.getMessage())), name, node,
                        State.RUNNING.name()));
            } catch (RuntimeException again) {
                LOG.error("rebuild of {}: could not record its failure", name, again);
            }
        }
    }

    /** This node no longer owns the rebuild it ran. */
    private static final class LostRebuild extends RuntimeException {
        LostRebuild(String message) {
            super(message);
        }
    }

    /** The owners of the read model's segments whose claims are fresh: nodes that process it now. */
    List<String> liveClaims(String name) {
        Instant stale = clock.instant().minus(claimTimeout);
        return ProjectionControl.tokens(store, name).values().stream()
                .filter(t -> t.owner() != null && (t.claimedAt() == null || t.claimedAt().isAfter(stale)))
                .map(ProjectionControl.StoredToken::owner).toList();
    }

    private static final String COLUMNS = "name, state, owner, target, position, events, items, requested, started,"
            + " heartbeat, finished, message";

    private Optional<Rebuild> read(String name, boolean forUpdate) {
        List<Rebuild> rows = query("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE name = ?"
                + (forUpdate ? " FOR UPDATE" : ""), name);
        return rows.stream().findFirst();
    }

    private List<Rebuild> query(String sql, Object... parameters) {
        try (Connection connection = transactions.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            List<Rebuild> out = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    out.add(new Rebuild(rows.getString(1), State.valueOf(rows.getString(2)), rows.getString(3),
                            rows.getLong(4), rows.getLong(5), rows.getLong(6), rows.getLong(7), instant(rows, 8),
                            instant(rows, 9), instant(rows, 10), instant(rows, 11), rows.getString(12)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("cannot read " + TABLE, e);
        }
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private int update(String sql, Object... parameters) {
        try (Connection connection = transactions.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("cannot write " + TABLE, e);
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    private void createSchema() {
        transactions.executeInTransaction(() -> {
            try (Connection connection = transactions.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (name VARCHAR(255) NOT NULL PRIMARY KEY,"
                        + " state VARCHAR(16) NOT NULL, owner VARCHAR(255), target BIGINT NOT NULL,"
                        + " position BIGINT NOT NULL, events BIGINT NOT NULL, items BIGINT NOT NULL,"
                        + " requested BIGINT NOT NULL, started BIGINT, heartbeat BIGINT, finished BIGINT,"
                        + " message VARCHAR(2000))");
            } catch (SQLException e) {
                throw new JdbcTransactions.JdbcFailure("cannot create " + TABLE, e);
            }
        });
    }

    private static String abbreviate(String message) {
        return message.length() <= 1900 ? message : message.substring(0, 1900) + "…";
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops looking at rebuilds and any rebuild this node runs; another node takes those over. */
    @Override
    public void close() {
        closing = true;
        ticks.shutdownNow();
        beats.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
