package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import java.util.List;
import java.util.Optional;

/** Wraps a totals store and counts the invoice updates asked of it: one per change. For benchmarks. */
public class CountingStore implements TotalsStore, AutoCloseable {

    private final TotalsStore store;
    public volatile long writes;

    public CountingStore(TotalsStore store) {
        this.store = store;
    }

    @Override
    public void apply(List<InvoiceTotalChange> changes) {
        store.apply(changes);
        synchronized (this) {
            writes += changes.size();
        }
    }

    @Override
    public Optional<InvoiceTotalView> find(InvoiceNumber invoiceNumber) {
        return store.find(invoiceNumber);
    }

    @Override
    public void clear() {
        store.clear();
    }

    @Override
    public io.invoicestreams.projections.Replaced replaceAll(java.util.Collection<InvoiceTotalView> totals) {
        io.invoicestreams.projections.Replaced replaced = store.replaceAll(totals);
        synchronized (this) {
            writes += replaced.written() + replaced.deleted();
        }
        return replaced;
    }

    @Override
    public void close() {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the totals store failed", e);
            }
        }
    }
}
