package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.projections.Replaced;
import java.util.Collection;
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

    /** Deletes every total, before a rebuild in place (the path before issue 15, kept as the benchmark's baseline). */
    void clear();

    /**
     * Makes the read model hold exactly these totals, as a rebuild folded them: each invoice's item goes from its old
     * value to the given one in one write, and the items of invoices not given are deleted afterwards.
     */
    Replaced replaceAll(Collection<InvoiceTotalView> totals);
}
