package io.invoicestreams.adapters.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.projections.support.EventHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;

/** The status of a rebuild while this node's processor is replaying: replaying until it has caught up. */
class ProjectionControlTest {

    /** A read model whose handler can be held, to keep a replay in progress. */
    public static final class Gated {
        final Semaphore gate = new Semaphore(Integer.MAX_VALUE);

        @EventHandler
        void on(InvoiceEvent event) throws InterruptedException {
            if (!gate.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        }
    }

    @Test
    void a_replay_claimed_by_this_node_reads_as_replaying_until_it_has_caught_up() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        Gated gated = new Gated();
        EventHistory history = EventHistory.seed().corrected("1212121", "Client1_trans1xxxx", "$0");
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection("gated", gated)),
                        new ProjectionProcessors.Settings(1, 1, Duration.ofMillis(100))))) {
            db.executeInTransaction(() -> store.configuration().eventStore().publish(history.messages()));
            ProjectionControl control = new ProjectionControl(store);
            assertThat(control.awaitCaughtUp("gated", Duration.ofSeconds(30), Duration.ofMillis(50), p -> { })).isTrue();

            gated.gate.drainPermits();
            gated.gate.release(2); // hold the replay at its third event, in batches of one
            control.startRebuild("gated");
            StreamingEventProcessor processor = store.configuration().eventProcessingConfiguration()
                    .eventProcessor("gated", StreamingEventProcessor.class).orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> gated.gate.availablePermits() == 0
                    && processor.processingStatus().size() == 1
                    && processor.processingStatus().get(0).getTrackingToken() != null);

            assertThat(control.status("gated").replaying()).as("claimed locally, mid-replay").isTrue();
            gated.gate.release(Integer.MAX_VALUE / 2);
            assertThat(control.awaitCaughtUp("gated", Duration.ofSeconds(30), Duration.ofMillis(50), p -> { })).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !control.status("gated").replaying());
        }
    }
}
