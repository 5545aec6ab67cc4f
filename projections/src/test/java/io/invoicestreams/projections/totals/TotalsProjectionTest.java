package io.invoicestreams.projections.totals;

import java.util.Currency;

class TotalsProjectionTest extends TotalsProjectionContract {

    @Override
    protected TotalsStore emptyStore() {
        return new InMemoryTotalsStore(Currency.getInstance("USD"));
    }
}
