package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import java.util.Objects;
import java.util.Set;

/**
 * One {@code InvoiceAction} row whole, as a rebuild writes it: its verifier and the transactions it counts.
 *
 * @param verifier null when nobody verifies the country (the row outlived its verifier)
 * @param counted  the transactions counted; its size is {@code Total_trans}
 */
public record CountryVerificationRow(InvoiceNumber invoiceNumber, CountryCode country, Verifier verifier,
                                     Set<TransactionId> counted) {
    public CountryVerificationRow {
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        Objects.requireNonNull(country, "country");
        counted = Set.copyOf(counted);
        if (verifier == null && !counted.isEmpty()) {
            throw new IllegalArgumentException("the row of " + invoiceNumber + " in " + country
                    + " counts transactions without a verifier");
        }
    }
}
