package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.projections.BatchedWrites;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.projections.Fold;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;

/**
 * The running total of each invoice, in the processing group {@link #NAME}. A recorded transaction adds its amount, a correction adds the difference, a
 * removal or an expiry subtracts the last amount. Other events leave the total alone.
 *
 * <p>When {@code coalesce} is on, the steps of one processor batch are gathered per invoice and written, just
 * before the batch commits its token, as one update per invoice; after a batch failed to write, its invoices are
 * written event by event, so that a poison event is parked alone ({@link BatchedWrites}). Off, each event is
 * written at once (the baseline the benchmark compares with).
 */
public final class TotalsProjection {

    public static final String NAME = "totals";

    private final TotalsStore store;
    private final boolean coalesce;
    private final BatchedWrites<Map<InvoiceNumber, List<TotalStep>>> batches;

    public TotalsProjection(TotalsStore store, boolean coalesce) {
        this.store = Objects.requireNonNull(store, "store");
        this.coalesce = coalesce;
        this.batches = new BatchedWrites<>(TotalsProjection.class.getName() + ".batch", LinkedHashMap::new,
                this::flush);
    }

    @EventHandler
    void on(InvoiceEvent event, @SequenceNumber long sequence) {
        List<Money> deltas = switch (event) {
            case InvoiceEvent.TransactionRecorded recorded -> List.of(recorded.amount());
            case InvoiceEvent.TransactionAmountCorrected corrected -> difference(corrected);
            case InvoiceEvent.TransactionRemoved removed -> List.of(removed.amount().negate());
            case InvoiceEvent.TransactionExpired expired -> List.of(expired.amount().negate());
            case InvoiceEvent.TransactionCountryChanged ignored -> List.of();
            case InvoiceEvent.TransactionInvoiceDateChanged ignored -> List.of();
            case InvoiceEvent.TransactionDocumentChanged ignored -> List.of();
        };
        if (!deltas.isEmpty()) {
            record(event.invoiceNumber(), deltas.stream()
                    .map(delta -> new TotalStep(sequence, delta, event.change().changedAt())).toList());
        }
    }

    /** The difference; a correction into another currency moves the amount from one currency's total to another. */
    private static List<Money> difference(InvoiceEvent.TransactionAmountCorrected corrected) {
        Money before = corrected.previousAmount();
        Money after = corrected.correctedAmount();
        return before.currency().equals(after.currency())
                ? List.of(after.minus(before))
                : List.of(before.negate(), after);
    }

    @ResetHandler
    void reset() {
        store.clear();
    }

    /**
     * A rebuild of the totals in memory, written over {@code live} at the end (ADR 0022): the same handler, each event
     * applied at once to an in-memory store with the port's semantics.
     */
    public static Fold fold(TotalsStore live, Currency defaultCurrency) {
        Objects.requireNonNull(live, "live");
        InMemoryTotalsStore memory = new InMemoryTotalsStore(defaultCurrency);
        TotalsProjection handler = new TotalsProjection(memory, false);
        return Fold.of(handler, List.of(InvoiceEvent.class), memory::size, () -> live.replaceAll(memory.all()));
    }

    private void record(InvoiceNumber invoice, List<TotalStep> steps) {
        Optional<Map<InvoiceNumber, List<TotalStep>>> batch = coalesce ? batches.batchFor(invoice) : Optional.empty();
        if (batch.isPresent()) {
            batch.get().computeIfAbsent(invoice, k -> new ArrayList<>()).addAll(steps);
            return;
        }
        store.apply(List.of(new InvoiceTotalChange(invoice, steps)));
        batches.writtenAlone(invoice);
    }

    private void flush(Map<InvoiceNumber, List<TotalStep>> pending) {
        List<InvoiceTotalChange> changes = new ArrayList<>(pending.size());
        pending.forEach((invoice, steps) -> changes.add(new InvoiceTotalChange(invoice, steps)));
        if (!changes.isEmpty()) {
            store.apply(changes);
        }
    }
}
