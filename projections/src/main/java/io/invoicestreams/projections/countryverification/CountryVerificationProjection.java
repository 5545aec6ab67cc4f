package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.VerificationEvent;
import io.invoicestreams.projections.BatchedWrites;
import io.invoicestreams.projections.Fold;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;

/**
 * Counts (in the processing group {@link #NAME}), per invoice and country, the transactions a verifier answers for.
 * A transaction counts when it is recorded in (or moved into) a country with a verifier; it stops counting when
 * removed, expired or moved out. A verifier assigned later takes over the country's open transactions (ADR 0006).
 * Within a processor batch the recordings of one row are counted with one write (ADR 0023).
 */
public final class CountryVerificationProjection {

    public static final String NAME = "country-verification";

    private final CountryVerificationStore store;
    private final VerificationMetrics metrics;
    private final BatchedWrites<Map<InvoiceNumber, List<Change>>> batches;
    private final boolean coalesce;

    public CountryVerificationProjection(CountryVerificationStore store, VerificationMetrics metrics) {
        this(store, metrics, true);
    }

    /**
     * @param coalesce gather a batch's changes and write each run of recordings with one write per row (true), or
     *                 write every change at once (false: the per-event baseline, as before issue 15)
     */
    public CountryVerificationProjection(CountryVerificationStore store, VerificationMetrics metrics,
                                         boolean coalesce) {
        this.coalesce = coalesce;
        this.store = Objects.requireNonNull(store, "store");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.batches = new BatchedWrites<>(CountryVerificationProjection.class.getName() + ".batch",
                LinkedHashMap::new, this::flush);
    }

    /** One write to a row of the read model (an invoice and a country), as an event asks for it. */
    private sealed interface Change {
        record Count(CountryCode country, TransactionId transaction) implements Change {
        }

        record Uncount(CountryCode country, TransactionId transaction) implements Change {
        }

        record Assign(CountryCode country, Verifier verifier, Set<TransactionId> counted) implements Change {
        }

        record Unassign(CountryCode country) implements Change {
        }
    }

    @EventHandler
    void on(InvoiceEvent event) {
        switch (event) {
            case InvoiceEvent.TransactionRecorded recorded -> write(recorded.invoiceNumber(),
                    new Change.Count(recorded.country(), recorded.transactionId()));
            case InvoiceEvent.TransactionCountryChanged moved -> write(moved.invoiceNumber(),
                    new Change.Uncount(moved.previousCountry(), moved.transactionId()),
                    new Change.Count(moved.country(), moved.transactionId()));
            case InvoiceEvent.TransactionRemoved removed -> write(removed.invoiceNumber(),
                    new Change.Uncount(removed.country(), removed.transactionId()));
            case InvoiceEvent.TransactionExpired expired -> write(expired.invoiceNumber(),
                    new Change.Uncount(expired.country(), expired.transactionId()));
            case InvoiceEvent.TransactionAmountCorrected ignored -> { }
            case InvoiceEvent.TransactionInvoiceDateChanged ignored -> { }
            case InvoiceEvent.TransactionDocumentChanged ignored -> { }
        }
    }

    @EventHandler
    void on(VerificationEvent event) {
        switch (event) {
            case VerificationEvent.CountryVerifierAssigned assigned -> write(assigned.invoiceNumber(),
                    new Change.Assign(assigned.country(), assigned.verifier(),
                            new LinkedHashSet<>(assigned.openTransactions())));
            case VerificationEvent.CountryVerifierRemoved removed -> write(removed.invoiceNumber(),
                    new Change.Unassign(removed.country()));
        }
    }

    @ResetHandler
    void reset() {
        store.clear();
    }

    /**
     * A rebuild of the counts in memory, written over {@code live} at the end (ADR 0022). It reports no unverified
     * transactions to the metrics: the live handler reported them when they happened.
     */
    public static Fold fold(CountryVerificationStore live) {
        Objects.requireNonNull(live, "live");
        InMemoryCountryVerificationStore memory = new InMemoryCountryVerificationStore();
        CountryVerificationProjection handler = new CountryVerificationProjection(memory, VerificationMetrics.NONE);
        return Fold.of(handler, List.of(InvoiceEvent.class, VerificationEvent.class), memory::size, () -> live.replaceAll(memory.all()));
    }

    /**
     * Inside a processor batch, an invoice's changes are gathered in event order and written when the batch commits
     * (issue 15): consecutive recordings of one row with one write, any other change on its own, in its place. A
     * failing write then fails the batch, which is retried event by event ({@link BatchedWrites}). Outside a batch,
     * or for an invoice whose batch failed, each change is written at once.
     */
    private void write(InvoiceNumber invoice, Change... changes) {
        Optional<Map<InvoiceNumber, List<Change>>> batch = coalesce ? batches.batchFor(invoice) : Optional.empty();
        if (batch.isPresent()) {
            batch.get().computeIfAbsent(invoice, k -> new ArrayList<>()).addAll(List.of(changes));
            return;
        }
        apply(invoice, List.of(changes));
        if (coalesce) {
            batches.writtenAlone(invoice);
        }
    }

    private void flush(Map<InvoiceNumber, List<Change>> pending) {
        pending.forEach(this::apply);
    }

    /** Writes one invoice's changes in order, each run of recordings with one write per row. */
    private void apply(InvoiceNumber invoice, List<Change> changes) {
        Map<CountryCode, List<TransactionId>> counts = new LinkedHashMap<>();
        for (Change change : changes) {
            if (change instanceof Change.Count count) {
                counts.computeIfAbsent(count.country(), k -> new ArrayList<>()).add(count.transaction());
                continue;
            }
            countAll(invoice, counts);
            switch (change) {
                case Change.Uncount uncount -> store.uncount(invoice, uncount.country(), uncount.transaction());
                case Change.Assign assign -> store.assign(invoice, assign.country(), assign.verifier(),
                        assign.counted());
                case Change.Unassign unassign -> store.unassign(invoice, unassign.country());
                case Change.Count ignored -> throw new IllegalStateException("counted above");
            }
        }
        countAll(invoice, counts);
    }

    private void countAll(InvoiceNumber invoice, Map<CountryCode, List<TransactionId>> counts) {
        counts.forEach((country, transactions) -> store.countAll(invoice, country, transactions).values().stream()
                .filter(o -> o == CountryVerificationStore.CountOutcome.UNVERIFIED)
                .forEach(o -> metrics.unverified(country)));
        counts.clear();
    }
}
