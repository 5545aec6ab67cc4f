package io.invoicestreams.projections.notifications;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import java.time.Instant;
import java.util.Objects;

/**
 * A new invoice for payment processing: its first transaction.
 *
 * @param eventId   the id of the event that opened the invoice; the deduplication id of the message
 * @param recordedAt the time of the change in the table (the stream record's time)
 */
public record PaymentRequest(String eventId, InvoiceNumber invoiceNumber, TransactionId firstTransaction,
                             Money amount, CountryCode country, Instant recordedAt) {

    public PaymentRequest {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        Objects.requireNonNull(firstTransaction, "firstTransaction");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(recordedAt, "recordedAt");
    }
}
