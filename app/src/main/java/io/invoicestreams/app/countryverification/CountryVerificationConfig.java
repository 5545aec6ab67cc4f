package io.invoicestreams.app.countryverification;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The country verification read model. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.read-models.country-verification")
public interface CountryVerificationConfig {

    /** Its DynamoDB table. */
    @WithDefault("InvoiceAction")
    String table();

    /**
     * Count a batch's recordings with one write per invoice and country (true), or once per event (false: the slow
     * baseline, as before issue 15).
     */
    @WithDefault("true")
    boolean coalesce();
}
