package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Verifier;

/**
 * One {@code InvoiceAction} row.
 *
 * @param verifier          {@code Verify_action}; null when nobody verifies the country
 * @param totalTransactions {@code Total_trans}: the verified transactions of the country on the invoice
 */
public record CountryVerificationView(InvoiceNumber invoiceNumber, CountryCode country, Verifier verifier,
                                      long totalTransactions) {
}
