package io.invoicestreams.adapters.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.projections.support.EventHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * The processors' streams are woken by events, not by a timer: after a local append once its transaction has
 * committed (never before, and never for a rollback), and, for another node's append, when the watcher sees the
 * store's head move.
 */
class WakingEventStoreTest {

    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void a_local_append_wakes_the_stream_after_its_transaction_commits_and_a_rollback_never() throws Exception {
        JdbcTransactions db = TestDatabases.H2.fresh();
        EventHistory history = EventHistory.seed();
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                InvoiceEventStore.DEFAULT_AGGREGATE_CACHE_SIZE, InvoiceEventStore.ProcessorStreams.waking(NEVER), c -> { })) {
            WakingEventStore events = (WakingEventStore) store.configuration().eventStore();
            AtomicInteger wakes = new AtomicInteger();
            try (TrackingEventStream stream = events.openStream(null)) {
                assertThat(stream.setOnAvailableCallback(wakes::incrementAndGet)).isTrue();
                assertThat(stream.hasNextAvailable()).as("an empty store").isFalse();

                Transaction rolledBack = db.startTransaction();
                events.publish(history.messages());
                rolledBack.rollback();
                assertThat(wakes).as("a rolled-back append wakes nobody").hasValue(0);

                Transaction tx = db.startTransaction();
                events.publish(history.messages());
                assertThat(wakes).as("not before the commit: the events cannot be read yet").hasValue(0);
                tx.commit();
                assertThat(wakes).as("woken by the commit itself").hasValue(1);

                List<Object> read = new ArrayList<>();
                while (stream.hasNextAvailable()) {
                    read.add(stream.nextAvailable().getPayload());
                }
                assertThat(read).containsExactlyElementsOf(history.messages().stream()
                        .map(m -> (Object) m.getPayload()).toList());
            }
            assertThat(events.openStreams()).as("a closed stream is let go").isZero();
        }
    }

    @Test
    void another_nodes_append_wakes_the_stream_when_the_watcher_sees_the_head_move() throws Exception {
        JdbcTransactions db = TestDatabases.H2.fresh();
        EventHistory history = EventHistory.seed();
        try (InvoiceEventStore otherNode = InvoiceEventStore.start(db, "node-b", Duration.ofSeconds(5),
                Clock.systemUTC(), c -> { })) {
            Serializer serializer = InvoiceEventStore.serializer();
            WakingEventStore.Builder builder = WakingEventStore.builder(db, Duration.ofMillis(20))
                    .fallbackInterval(NEVER);
            builder.storageEngine(JdbcEventStorageEngine.builder().connectionProvider(db).transactionManager(db)
                    .eventSerializer(serializer).snapshotSerializer(serializer).build());
            WakingEventStore thisNode = builder.build();
            AtomicInteger wakes = new AtomicInteger();
            try (TrackingEventStream stream = thisNode.openStream(null)) {
                stream.setOnAvailableCallback(wakes::incrementAndGet);
                assertThat(stream.hasNextAvailable()).isFalse();
                int before = wakes.get();

                db.executeInTransaction(() -> otherNode.configuration().eventStore().publish(history.messages()));

                await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() > before);
                assertThat(stream.hasNextAvailable()).as("readable once woken").isTrue();
                assertThat(stream.nextAvailable().getPayload()).isEqualTo(history.messages().getFirst().getPayload());
            } finally {
                thisNode.shutDown();
            }
        }
    }
}
