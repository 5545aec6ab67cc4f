package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
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
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;

/**
 * Counts (in the processing group {@link #NAME}), per invoice and country, the transactions a verifier answers for. A transaction counts when it is
 * recorded in (or moved into) a country with a verifier; it stops counting when removed, expired or moved out. A
 * verifier assigned later takes over the country's open transactions (ADR 0006).
 */
public final class CountryVerificationProjection {

    public static final String NAME = "country-verification";

    private final CountryVerificationStore store;
    private final VerificationMetrics metrics;
    private final BatchedWrites<Map<Row, List<TransactionId>>> batches;

    public CountryVerificationProjection(CountryVerificationStore store, VerificationMetrics metrics) {
        this.store = Objects.requireNonNull(store, "store");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.batches = new BatchedWrites<>(CountryVerificationProjection.class.getName() + ".batch",
                LinkedHashMap::new, this::flush);
    }

    /** One row of the read model: an invoice and a country. */
    private record Row(InvoiceNumber invoice, CountryCode country) {
    }

    @EventHandler
    void on(InvoiceEvent event) {
        switch (event) {
            case InvoiceEvent.TransactionRecorded recorded ->
                    count(recorded.invoiceNumber(), recorded.country(), recorded.transactionId());
            case InvoiceEvent.TransactionCountryChanged moved -> {
                uncount(moved.invoiceNumber(), moved.previousCountry(), moved.transactionId());
                count(moved.invoiceNumber(), moved.country(), moved.transactionId());
            }
            case InvoiceEvent.TransactionRemoved removed ->
                    uncount(removed.invoiceNumber(), removed.country(), removed.transactionId());
            case InvoiceEvent.TransactionExpired expired ->
                    uncount(expired.invoiceNumber(), expired.country(), expired.transactionId());
            case InvoiceEvent.TransactionAmountCorrected ignored -> { }
            case InvoiceEvent.TransactionInvoiceDateChanged ignored -> { }
            case InvoiceEvent.TransactionDocumentChanged ignored -> { }
        }
    }

    @EventHandler
    void on(VerificationEvent event) {
        writePending(event.invoiceNumber());
        switch (event) {
            case VerificationEvent.CountryVerifierAssigned assigned -> store.assign(assigned.invoiceNumber(),
                    assigned.country(), assigned.verifier(), new LinkedHashSet<>(assigned.openTransactions()));
            case VerificationEvent.CountryVerifierRemoved removed ->
                    store.unassign(removed.invoiceNumber(), removed.country());
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
     * Inside a processor batch, the recordings are gathered per invoice and country and counted with one write per
     * row when the batch commits (issue 15); any other change of the invoice first writes what it gathered, so that
     * each row sees its changes in the order of the events.
     */
    private void count(InvoiceNumber invoice, CountryCode country, TransactionId transaction) {
        Optional<Map<Row, List<TransactionId>>> batch = batches.batchFor(invoice);
        if (batch.isPresent()) {
            batch.get().computeIfAbsent(new Row(invoice, country), k -> new ArrayList<>()).add(transaction);
            return;
        }
        if (store.count(invoice, country, transaction) == CountryVerificationStore.CountOutcome.UNVERIFIED) {
            metrics.unverified(country);
        }
        batches.writtenAlone(invoice);
    }

    private void uncount(InvoiceNumber invoice, CountryCode country, TransactionId transaction) {
        writePending(invoice);
        store.uncount(invoice, country, transaction);
    }

    /** Writes the counts gathered for the invoice in this batch, before a change that must come after them. */
    private void writePending(InvoiceNumber invoice) {
        Optional<Map<Row, List<TransactionId>>> batch = batches.batchFor(invoice);
        if (batch.isEmpty()) {
            return;
        }
        Map<Row, List<TransactionId>> own = new LinkedHashMap<>();
        batch.get().entrySet().removeIf(e -> {
            if (e.getKey().invoice().equals(invoice)) {
                own.put(e.getKey(), e.getValue());
                return true;
            }
            return false;
        });
        flush(own);
    }

    private void flush(Map<Row, List<TransactionId>> pending) {
        pending.forEach((row, transactions) -> store.countAll(row.invoice(), row.country(), transactions)
                .values().stream().filter(o -> o == CountryVerificationStore.CountOutcome.UNVERIFIED)
                .forEach(o -> metrics.unverified(row.country())));
    }
}
