package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;

/**
 * Everything that happens to an invoice, as past-tense facts. A switch over these has no default, so a new event
 * breaks compilation wherever it is not handled.
 */
public sealed interface InvoiceEvent {

    InvoiceNumber invoiceNumber();

    TransactionId transactionId();

    /** The stream record this event was derived from. */
    ChangeIdentity change();

    /**
     * A transaction appeared on the invoice.
     *
     * @param opensInvoice this is the first transaction ever recorded on the invoice number, and the stream saw it
     *                     created: the invoice is new. A transaction recorded after earlier ones were removed does
     *                     not open it again, nor does one that existed before the store followed the table (the
     *                     stream's first word of it is a MODIFY, or {@code bootstrap} read it from the table)
     */
    record TransactionRecorded(InvoiceNumber invoiceNumber, TransactionId transactionId, Money amount,
                               CountryCode country, String invoiceDate, InvoiceDocument document,
                               boolean opensInvoice, ChangeIdentity change) implements InvoiceEvent {
    }

    /** The amount of a transaction was changed; both amounts are given, so a reader never needs the history. */
    record TransactionAmountCorrected(InvoiceNumber invoiceNumber, TransactionId transactionId, Money previousAmount,
                                      Money correctedAmount, CountryCode country, ChangeIdentity change)
            implements InvoiceEvent {
    }

    /** The transaction was moved to another country. */
    record TransactionCountryChanged(InvoiceNumber invoiceNumber, TransactionId transactionId,
                                     CountryCode previousCountry, CountryCode country, ChangeIdentity change)
            implements InvoiceEvent {
    }

    /** The invoice date written on the transaction changed; either side may be null (absent). */
    record TransactionInvoiceDateChanged(InvoiceNumber invoiceNumber, TransactionId transactionId,
                                         String previousInvoiceDate, String invoiceDate, ChangeIdentity change)
            implements InvoiceEvent {
    }

    /** The invoice document (vendor, items, quantities) of the transaction changed; the new one is given whole. */
    record TransactionDocumentChanged(InvoiceNumber invoiceNumber, TransactionId transactionId,
                                      InvoiceDocument document, ChangeIdentity change) implements InvoiceEvent {
    }

    /** Somebody deleted the transaction. Amount and country are its last known values. */
    record TransactionRemoved(InvoiceNumber invoiceNumber, TransactionId transactionId, Money amount,
                              CountryCode country, ChangeIdentity change) implements InvoiceEvent {
    }

    /** The table's time-to-live deleted the transaction. Amount and country are its last known values. */
    record TransactionExpired(InvoiceNumber invoiceNumber, TransactionId transactionId, Money amount,
                              CountryCode country, ChangeIdentity change) implements InvoiceEvent {
    }
}
