package io.invoicestreams.projections.notifications;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * A transaction was recorded, or corrected, with amount 0.
 *
 * @param eventId     the id of the event that reported it; the deduplication id of the message
 * @param reportedAt  the time of the change in the table (the stream record's time), so a retry says the same
 */
public record ZeroAmountAlert(String eventId, InvoiceNumber invoiceNumber, TransactionId transactionId,
                              Instant reportedAt) {

    /**
     * The seed's time format, {@code YYMMHH24MISS} in Oracle's notation: year, month, hour of day, minutes and
     * seconds, in UTC. It has no day of the month; {@link #reportedAt} carries the full time for machines.
     */
    public static final DateTimeFormatter SEED_TIME = DateTimeFormatter.ofPattern("yyMMHHmmss")
            .withZone(ZoneOffset.UTC);

    public ZeroAmountAlert {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(reportedAt, "reportedAt");
    }

    /** The alert in the seed's words. */
    public String text() {
        return "Take immediate action for Invoice number " + invoiceNumber.value()
                + " as zero value is reported in the InvoiceTransactions table as on " + SEED_TIME.format(reportedAt);
    }
}
