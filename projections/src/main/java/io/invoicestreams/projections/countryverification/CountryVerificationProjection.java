package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.VerificationEvent;
import io.invoicestreams.projections.Fold;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
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

    public CountryVerificationProjection(CountryVerificationStore store, VerificationMetrics metrics) {
        this.store = Objects.requireNonNull(store, "store");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @EventHandler
    void on(InvoiceEvent event) {
        switch (event) {
            case InvoiceEvent.TransactionRecorded recorded ->
                    count(recorded.invoiceNumber(), recorded.country(), recorded.transactionId());
            case InvoiceEvent.TransactionCountryChanged moved -> {
                store.uncount(moved.invoiceNumber(), moved.previousCountry(), moved.transactionId());
                count(moved.invoiceNumber(), moved.country(), moved.transactionId());
            }
            case InvoiceEvent.TransactionRemoved removed ->
                    store.uncount(removed.invoiceNumber(), removed.country(), removed.transactionId());
            case InvoiceEvent.TransactionExpired expired ->
                    store.uncount(expired.invoiceNumber(), expired.country(), expired.transactionId());
            case InvoiceEvent.TransactionAmountCorrected ignored -> { }
            case InvoiceEvent.TransactionInvoiceDateChanged ignored -> { }
            case InvoiceEvent.TransactionDocumentChanged ignored -> { }
        }
    }

    @EventHandler
    void on(VerificationEvent event) {
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

    private void count(InvoiceNumber invoice, CountryCode country, TransactionId transaction) {
        if (store.count(invoice, country, transaction) == CountryVerificationStore.CountOutcome.UNVERIFIED) {
            metrics.unverified(country);
        }
    }
}
