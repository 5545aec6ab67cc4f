package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.Money;
import java.util.Objects;

/**
 * What an item of {@code InvoiceTransactions} says about one transaction, besides its keys.
 *
 * @param amount      {@code Amount}
 * @param country     {@code Trans_country}
 * @param invoiceDate {@code Invoice_dt} as written (the table has no fixed format); null when absent or empty
 * @param document    {@code InvoiceDoc}; empty when absent
 */
public record TransactionDetails(Money amount, CountryCode country, String invoiceDate, InvoiceDocument document) {

    public TransactionDetails {
        Objects.requireNonNull(amount, "Amount must not be null");
        Objects.requireNonNull(country, "Trans_country must not be null");
        Objects.requireNonNull(document, "InvoiceDoc must not be null");
        if (invoiceDate != null && invoiceDate.isBlank()) {
            invoiceDate = null;
        }
    }
}
