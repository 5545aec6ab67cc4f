package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The steps of one invoice's total within one batch, oldest first. A store applies them as one update, guarded by
 * the sequence of the last step it applied, so a step is never counted twice. One event may give two steps of the
 * same sequence (a correction into another currency); they are applied together or not at all.
 */
public record InvoiceTotalChange(InvoiceNumber invoiceNumber, List<TotalStep> steps) {

    public InvoiceTotalChange {
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a total change of invoice " + invoiceNumber + " needs a step");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).sequence() < steps.get(i - 1).sequence()) {
                throw new IllegalArgumentException("steps of invoice " + invoiceNumber + " are out of order: "
                        + steps.get(i - 1).sequence() + " then " + steps.get(i).sequence());
            }
        }
    }

    public long firstSequence() {
        return steps.getFirst().sequence();
    }

    public long lastSequence() {
        return steps.getLast().sequence();
    }

    public Instant lastChangedAt() {
        return steps.getLast().at();
    }

    /** The steps after {@code appliedSequence}, or null when every step is already applied. */
    public InvoiceTotalChange after(long appliedSequence) {
        List<TotalStep> rest = steps.stream().filter(s -> s.sequence() > appliedSequence).toList();
        return rest.isEmpty() ? null : new InvoiceTotalChange(invoiceNumber, rest);
    }

    /** The sum of the steps per currency, in the order the currencies first appear. */
    public Map<Currency, BigDecimal> sums() {
        Map<Currency, BigDecimal> sums = new LinkedHashMap<>();
        for (TotalStep step : steps) {
            sums.merge(step.delta().currency(), step.delta().amount(), BigDecimal::add);
        }
        return sums;
    }
}
