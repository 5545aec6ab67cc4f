package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.projections.Fold;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;

/**
 * Reads the whole history from the event store in large pages, straight from its table, and hands each event a
 * read model handles to that read model's {@link Fold} (issue 15, ADR 0022). One thread reads the next page while
 * another deserializes and folds the last one.
 *
 * <p>It folds up to the store's head as it was when it began, and says where it stopped as the token Axon's
 * processors use: the head's index, with the indexes below it that were not yet committed (gaps) as Axon's JDBC
 * engine keeps them, over its window of 10,000 indexes. A processor that resumes from that token handles exactly the
 * events the fold did not: those after the head, and those of transactions that committed late into a gap.
 */
public final class HistoryFold {

    /** Axon's JDBC engine keeps the gaps of this many indexes below the newest one it read. */
    static final int GAP_WINDOW = 10_000;

    /**
     * Global indexes read in one query. Pages are ranges of indexes rather than {@code LIMIT}s: with a {@code LIMIT}
     * PostgreSQL, misjudging a freshly filled table, fetched and sorted the whole rest of the store for every page.
     */
    static final int PAGE = 5_000;

    /** How far a fold has come. */
    public interface Progress {
        /**
         * @param position the global index folded up to
         * @param target   the head it folds up to
         * @param events   events folded so far
         */
        void folded(long position, long target, long events);
    }

    /**
     * What a fold read.
     *
     * @param token  where a processor resumes: after the head, with the gaps below it; null for an empty store
     * @param target the head's global index, or -1 for an empty store
     * @param events events handed to the fold
     */
    public record Folded(GapAwareTrackingToken token, long target, long events) {
    }

    private static final String COLUMNS = "globalIndex, type, aggregateIdentifier, sequenceNumber, eventIdentifier,"
            + " timeStamp, payloadType, payloadRevision, payload, metaData";

    private final JdbcTransactions transactions;
    private final Serializer serializer;
    private final EventUpcaster upcasters;

    public HistoryFold(JdbcTransactions transactions, Serializer serializer, EventUpcaster upcasters) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
    }

    /**
     * Folds every stored event of the fold's types up to the current head, in the order of the store.
     *
     * @throws IllegalStateException naming the event when the fold's handler fails on one; nothing is written then
     */
    public Folded fold(Fold fold, Progress progress) {
        long head = head();
        if (head < 0) {
            return new Folded(null, -1, 0);
        }
        long windowStart = Math.max(0, head - GAP_WINDOW);
        BitSet present = present(windowStart, head);
        List<Long> gaps = new ArrayList<>();
        for (long index = windowStart + 1; index <= head; index++) {
            if (!present.get((int) (index - windowStart))) {
                gaps.add(index);
            }
        }
        List<String> types = payloadTypes(fold.events());
        AnnotationEventHandlerAdapter handler = new AnnotationEventHandlerAdapter(fold.handler());

        BlockingQueue<Page> pages = new ArrayBlockingQueue<>(2);
        AtomicReference<RuntimeException> readFailure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().daemon().name("rebuild-reader").start(() -> {
            try {
                long after = 0;
                while (true) {
                    Page page = page(after, head, types);
                    pages.put(page);
                    if (page.last()) {
                        return;
                    }
                    after = page.position();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                readFailure.set(e);
                try {
                    // Waits for room: with the queue full, an offer would be lost and the folding thread would wait
                    // for a page that never comes. The folding thread interrupts this one when it stops first.
                    pages.put(Page.FAILED);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        long events = 0;
        try {
            while (true) {
                Page page = pages.take();
                if (page == Page.FAILED) {
                    throw readFailure.get();
                }
                List<IndexedEntry> kept = page.events().stream().filter(e -> e.index() <= windowStart
                        || present.get((int) (e.index() - windowStart))).toList();
                Map<String, Long> indexes = HashMap.newHashMap(kept.size());
                kept.forEach(e -> indexes.put(e.entry().getEventIdentifier(), e.index()));
                DomainEventStream stream = EventStreamUtils.upcastAndDeserializeDomainEvents(
                        kept.stream().map(IndexedEntry::entry), serializer, upcasters);
                long index = kept.isEmpty() ? page.position() : kept.getFirst().index();
                while (stream.hasNext()) {
                    DomainEventMessage<?> event = stream.next();
                    // Tracked as a processor sees it, so that a handler that takes the position (the search
                    // index's version) gets the event's own; an event an upcaster made takes the one before it.
                    index = indexes.getOrDefault(event.getIdentifier(), index);
                    try {
                        handler.handle(new GenericTrackedDomainEventMessage<>(new GlobalSequenceTrackingToken(index),
                                event));
                    } catch (Exception e) {
                        throw new IllegalStateException("the rebuild stopped at event " + event.getIdentifier()
                                + " (" + event.getPayloadType().getSimpleName() + " of invoice "
                                + event.getAggregateIdentifier() + ", sequence " + event.getSequenceNumber()
                                + "): " + e.getMessage() + "; the read model was not changed", e);
                    }
                    events++;
                }
                progress.folded(page.position(), head, events);
                if (page.last()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the rebuild was interrupted", e);
        } finally {
            reader.interrupt();
        }
        return new Folded(GapAwareTrackingToken.newInstance(head, gaps), head, events);
    }

    /** The class names stored as payload types: a sealed interface stands for the records it permits. */
    static List<String> payloadTypes(List<Class<?>> events) {
        Set<String> names = new LinkedHashSet<>();
        List<Class<?>> pending = new ArrayList<>(events);
        while (!pending.isEmpty()) {
            Class<?> type = pending.removeFirst();
            if (type.isSealed()) {
                pending.addAll(List.of(type.getPermittedSubclasses()));
            } else if (type.isInterface()) {
                throw new IllegalArgumentException(type.getName() + " is an interface that is not sealed: a fold must"
                        + " name the event classes it reads");
            } else {
                names.add(type.getName());
            }
        }
        return List.copyOf(names);
    }

    private record IndexedEntry(long index, DomainEventData<?> entry) {
    }

    /** Events read in one query; {@code position} is the last index it covered. */
    private record Page(List<IndexedEntry> events, long position, boolean last) {
        static final Page FAILED = new Page(List.of(), -1, true);
    }

    private Page page(long after, long head, List<String> types) {
        String sql = "SELECT " + COLUMNS + " FROM DomainEventEntry WHERE globalIndex > ? AND globalIndex <= ?"
                + " AND payloadType IN (" + String.join(", ", types.stream().map(t -> "?").toList()) + ")"
                + " ORDER BY globalIndex";
        long upTo = Math.min(head, after + PAGE);
        return transactions.fetchInTransaction(() -> {
            List<IndexedEntry> events = new ArrayList<>(PAGE);
            try {
                Connection connection = transactions.getConnection();
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setLong(1, after);
                    statement.setLong(2, upTo);
                    for (int i = 0; i < types.size(); i++) {
                        statement.setString(3 + i, types.get(i));
                    }
                    statement.setFetchSize(PAGE);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            events.add(new IndexedEntry(rows.getLong(1), new GenericDomainEventEntry<>(
                                    rows.getString(2), rows.getString(3), rows.getLong(4), rows.getString(5),
                                    rows.getString(6), rows.getString(7), rows.getString(8), rows.getBytes(9),
                                    rows.getBytes(10))));
                        }
                    }
                } finally {
                    connection.close();
                }
            } catch (SQLException e) {
                throw new JdbcTransactions.JdbcFailure("reading the events after " + after + " failed", e);
            }
            return new Page(events, upTo, upTo == head);
        });
    }

    private long head() {
        return transactions.fetchInTransaction(() -> {
            try (Connection connection = transactions.getConnection();
                 PreparedStatement statement = connection.prepareStatement(
                         "SELECT MAX(globalIndex) FROM DomainEventEntry");
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                long head = rows.getLong(1);
                return rows.wasNull() ? -1 : head;
            } catch (SQLException e) {
                throw new JdbcTransactions.JdbcFailure("reading the head of the event store failed", e);
            }
        });
    }

    /** Which indexes in (from, to] are committed, as bits offset by {@code from}. */
    private BitSet present(long from, long to) {
        return transactions.fetchInTransaction(() -> {
            BitSet present = new BitSet();
            try (Connection connection = transactions.getConnection();
                 PreparedStatement statement = connection.prepareStatement(
                         "SELECT globalIndex FROM DomainEventEntry WHERE globalIndex > ? AND globalIndex <= ?")) {
                statement.setLong(1, from);
                statement.setLong(2, to);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        present.set((int) (rows.getLong(1) - from));
                    }
                }
            } catch (SQLException e) {
                throw new JdbcTransactions.JdbcFailure("reading the newest indexes of the event store failed", e);
            }
            return present;
        });
    }
}
