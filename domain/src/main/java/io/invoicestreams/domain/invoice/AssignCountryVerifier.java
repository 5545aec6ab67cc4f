package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Verifier;
import java.time.Instant;
import java.util.Objects;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Make {@code verifier} answer for the invoice's transactions in {@code country}, those recorded so far and those
 * to come. The invoice need not have any transaction yet.
 *
 * @param at when the administrator decided it; from the caller's clock, never the domain's
 */
public record AssignCountryVerifier(@TargetAggregateIdentifier InvoiceNumber invoiceNumber, CountryCode country,
                                    Verifier verifier, Instant at) {
    public AssignCountryVerifier {
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(at, "at");
    }
}
