package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import java.util.List;
import java.util.Optional;

/** Where the totals read model lives: the {@code InvoiceTotal} table in production. */
public interface TotalsStore {

    /**
     * Applies each invoice's steps that are newer than the last step applied to that invoice, and skips the rest;
     * delivering the same changes twice therefore has the effect of delivering them once. Holds at most one change
     * per invoice.
     */
    void apply(List<InvoiceTotalChange> changes);

    Optional<InvoiceTotalView> find(InvoiceNumber invoiceNumber);

    /** Deletes every total, before a rebuild. */
    void clear();
}
