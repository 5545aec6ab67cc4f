package io.invoicestreams.adapters.eventstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;

/**
 * What an operator does with read models: see where each stands, and rebuild one from the whole event store.
 */
public final class ProjectionControl {

    /**
     * Where one read model stands.
     *
     * @param position lowest position reached over its segments, or -1 before the first event
     * @param lag      events in the store beyond that position
     */
    public record Status(String name, boolean running, boolean error, boolean replaying, long position, long head,
                         long lag, List<SegmentStatus> segments) {
    }

    /** One segment as this node sees it; segments claimed by other nodes are listed by the token store only. */
    public record SegmentStatus(int segment, String owner, long position, boolean replaying, String error) {
    }

    /** A rebuild could not start; the message says why and what to do. */
    public static final class RebuildRefused extends RuntimeException {
        public RebuildRefused(String message) {
            super(message);
        }
    }

    /** How far a rebuild has come. */
    public record Progress(String name, long position, long target, boolean done) {
    }

    private static final Serializer SERIALIZER = InvoiceEventStore.serializer();
    /** The token table as {@link InvoiceEventStore} creates it: Axon's default schema. */
    private static final TokenSchema TOKENS = TokenSchema.builder().build();

    private final InvoiceEventStore store;

    public ProjectionControl(InvoiceEventStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The names of the read models this node runs. */
    public Set<String> names() {
        return new java.util.TreeSet<>(processors().keySet());
    }

    public List<Status> status() {
        long head = store.headIndex();
        List<Status> all = new ArrayList<>();
        processors().forEach((name, processor) -> all.add(status(name, processor, head)));
        return all;
    }

    public Status status(String name) {
        return status(name, processor(name), store.headIndex());
    }

    private Status status(String name, StreamingEventProcessor processor, long head) {
        Map<Integer, EventTrackerStatus> local = processor.processingStatus();
        List<SegmentStatus> segments = new ArrayList<>();
        for (Map.Entry<Integer, StoredToken> stored : tokens(store, name).entrySet()) {
            EventTrackerStatus tracker = local.get(stored.getKey());
            TrackingToken token = tracker != null ? tracker.getTrackingToken() : stored.getValue().token();
            long position = token == null ? -1 : position(token.position());
            boolean replaying = tracker != null ? replaying(tracker) : replaying(stored.getValue().token());
            segments.add(new SegmentStatus(stored.getKey(), stored.getValue().owner(), position, replaying,
                    tracker != null && tracker.isErrorState() ? String.valueOf(tracker.getError()) : null));
        }
        segments.sort(Comparator.comparingInt(SegmentStatus::segment));
        long position = segments.stream().mapToLong(SegmentStatus::position).min().orElse(-1);
        boolean replaying = segments.stream().anyMatch(SegmentStatus::replaying);
        boolean error = processor.isError() || segments.stream().anyMatch(s -> s.error() != null);
        return new Status(name, processor.isRunning(), error, replaying, position, head, Math.max(0, head - position),
                segments);
    }

    /**
     * Whether a segment still has events to replay: it is behind the position it had when the rebuild began. Axon
     * keeps a segment's token a ReplayToken until an event beyond that position arrives, so at the head of a quiet
     * store it would say "replay" forever; and a local tracker's token comes unwrapped, without its ReplayToken.
     */
    private static boolean replaying(EventTrackerStatus tracker) {
        return tracker.isReplaying() && tracker.getResetPosition().isPresent()
                && tracker.getCurrentPosition().orElse(-1) < tracker.getResetPosition().getAsLong();
    }

    private static boolean replaying(TrackingToken stored) {
        return stored instanceof ReplayToken replay && replay.getTokenAtReset() != null
                && position(replay.position()) < position(replay.getTokenAtReset().position());
    }

    private static long position(OptionalLong position) {
        return position.isPresent() ? position.getAsLong() : -1;
    }

    /**
     * Stops the read model's processor on this node, clears the read model (its reset handler), resets its tokens
     * to the start of the store and starts it again; it then replays the whole store.
     *
     * @throws RebuildRefused when another node holds segments of it, or the read model does not replay
     */
    public void startRebuild(String name) {
        StreamingEventProcessor processor = processor(name);
        if (!processor.supportsReset()) {
            throw new RebuildRefused("'" + name + "' cannot be rebuilt: its handlers do not replay (@DisallowReplay),"
                    + " because they keep history or have side effects that must happen once");
        }
        processor.shutDown();
        try {
            processor.resetTokens();
        } catch (UnableToClaimTokenException e) {
            processor.start();
            throw new RebuildRefused("cannot rebuild '" + name + "': segments are claimed by another node ("
                    + otherOwners(name) + "); stop the projection there, or wait for its claim to time out, and try"
                    + " again");
        } catch (RuntimeException e) {
            // The tokens were not reset (one transaction), but the read model may be partly cleared.
            processor.start();
            throw new IllegalStateException("the rebuild of '" + name + "' failed while clearing the read model ("
                    + e.getMessage() + "); it may now be incomplete: start the rebuild again", e);
        }
        processor.start();
    }

    /**
     * Waits until the read model has reached the store's head as it was when the wait began, reporting progress
     * about every {@code every}; true when it got there within {@code timeout}.
     */
    public boolean awaitCaughtUp(String name, Duration timeout, Duration every, Consumer<Progress> progress) {
        long target = store.headIndex();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Status status = status(name);
            boolean done = !status.replaying() && !status.segments().isEmpty()
                    && status.position() >= target && status.segments().stream().allMatch(s -> s.owner() != null);
            progress.accept(new Progress(name, Math.min(status.position(), target), target, done));
            if (done) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private Map<String, StreamingEventProcessor> processors() {
        return processors(store);
    }

    /** The store's streaming processors (every read model's), by processing group, in name order. */
    static Map<String, StreamingEventProcessor> processors(InvoiceEventStore store) {
        Map<String, StreamingEventProcessor> streaming = new TreeMap<>();
        var processing = store.configuration().eventProcessingConfiguration();
        if (processing == null) {
            return streaming; // a store started without event processing: a process that only appends or asks
        }
        for (Map.Entry<String, EventProcessor> e : processing.eventProcessors().entrySet()) {
            if (e.getValue() instanceof StreamingEventProcessor s) {
                streaming.put(e.getKey(), s);
            }
        }
        return streaming;
    }

    private StreamingEventProcessor processor(String name) {
        StreamingEventProcessor processor = processors().get(name);
        if (processor == null) {
            throw new IllegalArgumentException("no read model named '" + name + "'; known: " + names());
        }
        return processor;
    }

    private String otherOwners(String name) {
        Collection<StoredToken> tokens = tokens(store, name).values();
        return tokens.stream().map(StoredToken::owner).filter(Objects::nonNull).distinct().sorted().reduce((a, b) -> a + ", " + b)
                .orElse("unknown");
    }

    /**
     * A row of the token table that is not a read model's segment: a shard's lease (its checkpoint) or a node's
     * membership.
     *
     * @param name      the row's processor name, such as {@code ddb-stream:<label>:<shard id>}
     * @param owner     the node that claims it, or null
     * @param claimedAt when the claim was last renewed, or null
     * @param token     what the row holds: a shard's checkpoint, or null
     */
    public record Lease(String name, int segment, String owner, Instant claimedAt, TrackingToken token) {
    }

    /** The token table's rows whose name begins with {@code prefix}, in name order, read without claiming any. */
    public List<Lease> leases(String prefix) {
        return store.transactions().fetchInTransaction(() -> {
            List<Lease> leases = new ArrayList<>();
            try (PreparedStatement statement = store.transactions().getConnection().prepareStatement(
                    "SELECT " + TOKENS.processorNameColumn() + ", " + TOKENS.segmentColumn() + ", "
                            + TOKENS.ownerColumn() + ", " + TOKENS.tokenColumn() + ", " + TOKENS.tokenTypeColumn()
                            + ", " + TOKENS.timestampColumn() + " FROM " + TOKENS.tokenTable() + " WHERE "
                            + TOKENS.processorNameColumn() + " LIKE ? ORDER BY " + TOKENS.processorNameColumn()
                            + ", " + TOKENS.segmentColumn())) {
                statement.setString(1, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                        + "%");
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        String claimedAt = rows.getString(6);
                        leases.add(new Lease(rows.getString(1), rows.getInt(2), rows.getString(3),
                                claimedAt == null ? null : Instant.parse(claimedAt),
                                token(rows.getBytes(4), rows.getString(5))));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot read the token table: " + e.getMessage(), e);
            }
            return leases;
        });
    }

    private static TrackingToken token(byte[] bytes, String type) {
        return bytes == null || type == null ? null
                : SERIALIZER.deserialize(new SimpleSerializedObject<>(bytes, byte[].class, type, null));
    }

    /**
     * A segment's row in the token table.
     *
     * @param owner     the node that claims it, or null
     * @param claimedAt when the claim was last renewed, or null
     */
    record StoredToken(String owner, TrackingToken token, Instant claimedAt) {
    }

    /**
     * Segment to its stored token and owner (null when unclaimed), read from the token table without claiming
     * anything; fetching a token through the token store would claim it.
     */
    static Map<Integer, StoredToken> tokens(InvoiceEventStore store, String name) {
        return store.transactions().fetchInTransaction(() -> {
            Map<Integer, StoredToken> tokens = new TreeMap<>();
            try (PreparedStatement statement = store.transactions().getConnection().prepareStatement(
                    "SELECT " + TOKENS.segmentColumn() + ", " + TOKENS.ownerColumn() + ", " + TOKENS.tokenColumn()
                            + ", " + TOKENS.tokenTypeColumn() + ", " + TOKENS.timestampColumn() + " FROM "
                            + TOKENS.tokenTable() + " WHERE "
                            + TOKENS.processorNameColumn() + " = ?")) {
                statement.setString(1, name);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        TrackingToken token = token(rows.getBytes(3), rows.getString(4));
                        String claimedAt = rows.getString(5);
                        tokens.put(rows.getInt(1), new StoredToken(rows.getString(2), token,
                                claimedAt == null ? null : Instant.parse(claimedAt)));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot read the token table: " + e.getMessage(), e);
            }
            return tokens;
        });
    }
}
