package io.invoicestreams.app.totals;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The totals read model. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.read-models.totals")
public interface TotalsConfig {

    /** Its DynamoDB table. */
    @WithDefault("InvoiceTotal")
    String table();

    /** Write totals once per invoice per batch (true), or once per event (false: the slow baseline). */
    @WithDefault("true")
    boolean coalesce();

    /** Invoices of one batch whose totals are written at once, 1 or more. */
    @WithDefault("8")
    int writeConcurrency();
}
