package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import java.time.Instant;
import java.util.List;

/**
 * An invoice's running total, one amount per currency.
 *
 * @param totals       the default currency first, then the others by code
 * @param updated      when the last change that moved the total happened
 * @param lastSequence the sequence number of the last event applied
 */
public record InvoiceTotalView(InvoiceNumber invoiceNumber, List<Money> totals, Instant updated, long lastSequence) {
    public InvoiceTotalView {
        totals = List.copyOf(totals);
    }
}
