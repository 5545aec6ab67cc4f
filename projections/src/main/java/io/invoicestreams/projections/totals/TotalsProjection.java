package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * The running total of each invoice, in the processing group {@link #NAME}. A recorded transaction adds its amount, a correction adds the difference, a
 * removal or an expiry subtracts the last amount. Other events leave the total alone.
 *
 * <p>When {@code coalesce} is on, the steps of one processor batch are gathered per invoice and written, just
 * before the batch commits its token, as one update per invoice. Off, each event is written at once (the
 * baseline the benchmark compares with).
 */
public final class TotalsProjection {

    public static final String NAME = "totals";

    private static final String BATCH = TotalsProjection.class.getName() + ".batch";

    private final TotalsStore store;
    private final boolean coalesce;

    public TotalsProjection(TotalsStore store, boolean coalesce) {
        this.store = Objects.requireNonNull(store, "store");
        this.coalesce = coalesce;
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

    private void record(InvoiceNumber invoice, List<TotalStep> steps) {
        if (!coalesce || !CurrentUnitOfWork.isStarted()) {
            store.apply(List.of(new InvoiceTotalChange(invoice, steps)));
            return;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        Map<InvoiceNumber, List<TotalStep>> batch = unitOfWork.getOrComputeResource(BATCH, key -> {
            Map<InvoiceNumber, List<TotalStep>> pending = new LinkedHashMap<>();
            unitOfWork.onPrepareCommit(u -> flush(pending));
            return pending;
        });
        batch.computeIfAbsent(invoice, k -> new ArrayList<>()).addAll(steps);
    }

    private void flush(Map<InvoiceNumber, List<TotalStep>> pending) {
        List<InvoiceTotalChange> changes = new ArrayList<>(pending.size());
        pending.forEach((invoice, steps) -> changes.add(new InvoiceTotalChange(invoice, steps)));
        if (!changes.isEmpty()) {
            store.apply(changes);
        }
    }
}
