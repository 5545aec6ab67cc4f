package io.invoicestreams.adapters.support;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.axonframework.eventhandling.TrackedEventMessage;

/** What the totals projection would hold, from a store's events alone, to compare with the table's sums. */
public final class EventTotals {

    private EventTotals() {
    }

    public static List<InvoiceEvent> events(InvoiceEventStore store) {
        return store.readAll().stream().map(TrackedEventMessage::getPayload).filter(InvoiceEvent.class::isInstance)
                .map(InvoiceEvent.class::cast).toList();
    }

    /** Per invoice, the sum of its events' amounts; invoices at zero are left out. */
    public static Map<String, BigDecimal> of(InvoiceEventStore store) {
        Map<String, BigDecimal> totals = new TreeMap<>();
        for (InvoiceEvent event : events(store)) {
            BigDecimal change = switch (event) {
                case InvoiceEvent.TransactionRecorded r -> r.amount().amount();
                case InvoiceEvent.TransactionAmountCorrected c ->
                        c.correctedAmount().amount().subtract(c.previousAmount().amount());
                case InvoiceEvent.TransactionRemoved r -> r.amount().amount().negate();
                case InvoiceEvent.TransactionExpired x -> x.amount().amount().negate();
                default -> BigDecimal.ZERO;
            };
            totals.merge(event.invoiceNumber().value(), change, BigDecimal::add);
        }
        return normalized(totals);
    }

    /** The same sums written alike ({@code 20}, not {@code 2E+1} or {@code 20.00}), zeros left out. */
    public static Map<String, BigDecimal> normalized(Map<String, BigDecimal> sums) {
        Map<String, BigDecimal> out = new TreeMap<>();
        sums.forEach((invoice, sum) -> {
            if (sum.signum() != 0) {
                out.put(invoice, new BigDecimal(sum.stripTrailingZeros().toPlainString()));
            }
        });
        return out;
    }
}
