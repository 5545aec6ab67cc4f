package io.invoicestreams.adapters.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.AssignCountryVerifier;
import io.invoicestreams.domain.invoice.ChangeIdentity;
import io.invoicestreams.domain.invoice.ChangeOutcome;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.RemoveCountryVerifier;
import io.invoicestreams.domain.invoice.SequenceNumber;
import io.invoicestreams.domain.invoice.TransactionChange;
import io.invoicestreams.domain.invoice.TransactionDetails;
import io.invoicestreams.domain.invoice.VerifierOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.junit.jupiter.api.Test;

/**
 * The stream's changes appended without a command per invoice (ADR 0021): in Axon's own format, so that Axon's
 * repository and this path can follow each other on one invoice; nothing of a rolled-back batch stays in memory; a
 * second writer is refused by the store; invoices load from the store in chunks; the processors wake on the commit.
 */
class InvoiceAppenderTest {

    /** The database these cases run on; {@code InvoiceAppenderIT} runs them again on PostgreSQL. */
    TestDatabases database() {
        return TestDatabases.H2;
    }

    private static final Duration NEVER = Duration.ofHours(1);
    private static final InvoiceNumber INVOICE = new InvoiceNumber("1212121");
    private static final CountryCode USA = new CountryCode("USA");

    @Test
    void its_events_are_axons_own_and_the_two_paths_follow_each_other_on_one_invoice() {
        JdbcTransactions db = database().fresh();
        try (InvoiceEventStore store = start(db, "node-a")) {
            assertThat(outcomes(store, db, written(INVOICE, "T1", 1, "100"), written(INVOICE, "T2", 2, "50")))
                    .allMatch(ChangeOutcome.Applied.class::isInstance);
            // Axon's repository loads what the appender stored and appends after it; Axon caches the invoice now.
            assertThat(assign(store)).isEqualTo(new VerifierOutcome(true, 2));
            // The appender must not append from its own state of before the command: the store would refuse it.
            assertThat(outcomes(store, db, written(INVOICE, "T1", 3, "70")))
                    .containsExactly(new ChangeOutcome.Applied(List.of("TransactionAmountCorrected")));
            // Nor may Axon's cache hold the invoice of before the appender's event.
            assertThat((VerifierOutcome) store.commandGateway().sendAndWait(
                    new RemoveCountryVerifier(INVOICE, USA, Instant.parse("2026-12-07T00:00:00Z"))))
                    .isEqualTo(new VerifierOutcome(true, 0));

            List<DomainEventMessage<?>> events = store.readAll().stream()
                    .<DomainEventMessage<?>>map(e -> (DomainEventMessage<?>) e).toList();
            assertThat(events).extracting(DomainEventMessage::getSequenceNumber).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(events).extracting(DomainEventMessage::getType).containsOnly("Invoice");
            assertThat(events).extracting(DomainEventMessage::getAggregateIdentifier).containsOnly("1212121");
            assertThat(events).extracting(e -> e.getPayload().getClass().getSimpleName()).containsExactly(
                    "TransactionRecorded", "TransactionRecorded", "CountryVerifierAssigned",
                    "TransactionAmountCorrected", "CountryVerifierRemoved");
            assertThat(events.get(3).getIdentifier())
                    .isEqualTo(DeterministicEventIds.idFor((InvoiceEvent) events.get(3).getPayload()));
        }
    }

    @Test
    void a_rolled_back_batch_leaves_nothing_in_memory() {
        JdbcTransactions db = database().fresh();
        try (InvoiceEventStore store = start(db, "node-a")) {
            Transaction rolledBack = db.startTransaction();
            store.invoiceChanges().apply(changes(written(INVOICE, "T1", 1, "100")));
            rolledBack.rollback();

            // Had the decided state stayed cached, the record would now count as applied already.
            assertThat(outcomes(store, db, written(INVOICE, "T1", 1, "100")))
                    .containsExactly(new ChangeOutcome.Applied(List.of("TransactionRecorded")));
            assertThat(store.readAll()).hasSize(1);
        }
    }

    @Test
    void a_second_writer_is_refused_by_the_store_and_the_retry_decides_on_its_events() {
        JdbcTransactions db = database().fresh();
        try (InvoiceEventStore a = start(db, "node-a"); InvoiceEventStore b = start(db, "node-b")) {
            outcomes(a, db, written(INVOICE, "T1", 1, "100"));
            // Node b appends to the invoice; node a still holds the invoice as it left it.
            outcomes(b, db, written(INVOICE, "T1", 2, "80"));

            assertThatThrownBy(() -> outcomes(a, db, written(INVOICE, "T1", 3, "70")))
                    .as("sequence 1 of the invoice is taken").isInstanceOf(RuntimeException.class);
            // The ingestor forgets cached invoices after a failed batch, and retries.
            a.forgetCachedAggregates();
            assertThat(outcomes(a, db, written(INVOICE, "T1", 3, "70")))
                    .containsExactly(new ChangeOutcome.Applied(List.of("TransactionAmountCorrected")));

            List<Object> payloads = a.readAll().stream().map(e -> (Object) e.getPayload()).toList();
            assertThat(payloads).hasSize(3);
            InvoiceEvent.TransactionAmountCorrected last = (InvoiceEvent.TransactionAmountCorrected) payloads.get(2);
            assertThat(last.previousAmount()).as("decided on node b's event").isEqualTo(usd("80"));
        }
    }

    @Test
    void invoices_load_from_the_store_in_chunks_and_continue_where_they_stood() {
        int invoices = InvoiceAppender.IDS_PER_QUERY * 2 + 37;
        JdbcTransactions db = database().fresh();
        List<TransactionChange.Written> first = new ArrayList<>();
        List<TransactionChange.Written> second = new ArrayList<>();
        for (int i = 0; i < invoices; i++) {
            InvoiceNumber invoice = new InvoiceNumber("inv-" + i);
            first.add(written(invoice, "T1", 1, "100"));
            second.add(written(invoice, "T1", 2, Integer.toString(i)));
        }
        try (InvoiceEventStore store = start(db, "node-a")) {
            outcomes(store, db, first.toArray(TransactionChange.Written[]::new));
        }
        try (InvoiceEventStore restarted = start(db, "node-a")) {
            List<ChangeOutcome> again = outcomes(restarted, db, first.toArray(TransactionChange.Written[]::new));
            assertThat(again).as("every invoice was loaded with its event").hasSize(invoices)
                    .allMatch(ChangeOutcome.Skipped.class::isInstance);
            List<ChangeOutcome> next = outcomes(restarted, db, second.toArray(TransactionChange.Written[]::new));
            // Invoice inv-100 is corrected from 100 to 100: nothing changes; every other one is corrected.
            assertThat(next.stream().filter(o -> o instanceof ChangeOutcome.Applied a && !a.events().isEmpty()))
                    .hasSize(invoices - 1);
            List<? extends TrackedEventMessage<?>> events = restarted.readAll();
            assertThat(events).hasSize(invoices * 2 - 1);
            assertThat(events.subList(invoices, events.size()))
                    .allMatch(e -> ((DomainEventMessage<?>) e).getSequenceNumber() == 1L);
        }
    }

    @Test
    void the_processors_streams_wake_when_the_batch_commits_and_not_before() throws Exception {
        JdbcTransactions db = database().fresh();
        try (InvoiceEventStore store = start(db, "node-a")) {
            WakingEventStore events = (WakingEventStore) store.configuration().eventStore();
            AtomicInteger wakes = new AtomicInteger();
            try (TrackingEventStream stream = events.openStream(null)) {
                stream.setOnAvailableCallback(wakes::incrementAndGet);
                Transaction tx = db.startTransaction();
                store.invoiceChanges().apply(changes(written(INVOICE, "T1", 1, "100")));
                assertThat(wakes).as("not before the commit").hasValue(0);
                tx.commit();
                assertThat(wakes).as("woken by the commit").hasValue(1);
                assertThat(stream.hasNextAvailable()).isTrue();
                assertThat(stream.nextAvailable().getPayload()).isInstanceOf(InvoiceEvent.TransactionRecorded.class);
            }
        }
    }

    @Test
    void outside_a_transaction_it_refuses_to_append() {
        JdbcTransactions db = database().fresh();
        try (InvoiceEventStore store = start(db, "node-a")) {
            assertThatThrownBy(() -> store.invoiceChanges().apply(changes(written(INVOICE, "T1", 1, "100"))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("there is none");
            assertThat(store.readAll()).isEmpty();
        }
    }

    private static InvoiceEventStore start(JdbcTransactions db, String node) {
        return InvoiceEventStore.start(db, node, Duration.ofSeconds(5), Clock.systemUTC(),
                InvoiceEventStore.DEFAULT_AGGREGATE_CACHE_SIZE, InvoiceEventStore.ProcessorStreams.waking(NEVER),
                c -> { });
    }

    private static VerifierOutcome assign(InvoiceEventStore store) {
        return store.commandGateway().sendAndWait(new AssignCountryVerifier(INVOICE, USA,
                new Verifier("admin@com"), Instant.parse("2026-12-06T00:00:00Z")));
    }

    /** The changes in one committed transaction; the outcomes in the order given. */
    private static List<ChangeOutcome> outcomes(InvoiceEventStore store, JdbcTransactions db,
                                                TransactionChange.Written... written) {
        Map<InvoiceNumber, List<ChangeOutcome>> result = db.fetchInTransaction(
                () -> store.invoiceChanges().apply(changes(written)));
        Map<InvoiceNumber, Integer> next = new LinkedHashMap<>();
        List<ChangeOutcome> out = new ArrayList<>();
        for (TransactionChange.Written w : written) {
            InvoiceNumber invoice = invoiceOf(w);
            int index = next.merge(invoice, 1, Integer::sum) - 1;
            out.add(result.get(invoice).get(index));
        }
        return out;
    }

    private static Map<InvoiceNumber, List<TransactionChange>> changes(TransactionChange.Written... written) {
        Map<InvoiceNumber, List<TransactionChange>> changes = new LinkedHashMap<>();
        for (TransactionChange.Written w : written) {
            changes.computeIfAbsent(invoiceOf(w), k -> new ArrayList<>()).add(w);
        }
        return changes;
    }

    private static InvoiceNumber invoiceOf(TransactionChange.Written written) {
        return new InvoiceNumber(written.change().eventId().split("/")[0]);
    }

    private static TransactionChange.Written written(InvoiceNumber invoice, String transaction, long sequence,
                                                     String usdAmount) {
        ChangeIdentity change = new ChangeIdentity(invoice.value() + "/" + transaction + "/" + sequence,
                "shardId-1", new SequenceNumber(String.format("%021d", sequence)),
                Instant.parse("2026-12-07T00:00:00Z").plusSeconds(sequence));
        return new TransactionChange.Written(new TransactionId(transaction), change,
                new TransactionDetails(usd(usdAmount), USA, "07122026", InvoiceDocument.empty()));
    }

    private static Money usd(String amount) {
        return Money.of(amount, "USD");
    }
}
