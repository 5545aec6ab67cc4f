package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import java.time.Instant;
import java.util.Objects;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Nobody verifies the invoice's transactions in {@code country} any longer. */
public record RemoveCountryVerifier(@TargetAggregateIdentifier InvoiceNumber invoiceNumber, CountryCode country,
                                    Instant at) {
    public RemoveCountryVerifier {
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(at, "at");
    }
}
