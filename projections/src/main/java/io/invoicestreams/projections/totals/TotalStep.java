package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.Money;
import java.time.Instant;
import java.util.Objects;

/**
 * What one event does to an invoice's total.
 *
 * @param sequence the event's sequence number in its Invoice aggregate; it grows with each event of the invoice
 * @param delta    what to add (negative to subtract), in the amount's own currency
 * @param at       when the change happened, from the stream record; becomes {@code Update_date}
 */
public record TotalStep(long sequence, Money delta, Instant at) {
    public TotalStep {
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(at, "at");
    }
}
