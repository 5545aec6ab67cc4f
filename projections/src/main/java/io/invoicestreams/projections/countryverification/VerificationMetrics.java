package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;

/** What the country verification projection reports; the app binds it to Micrometer. */
public interface VerificationMetrics {

    /** A transaction was recorded in a country nobody verifies on its invoice. Expected, not an error. */
    void unverified(CountryCode country);

    VerificationMetrics NONE = country -> { };
}
