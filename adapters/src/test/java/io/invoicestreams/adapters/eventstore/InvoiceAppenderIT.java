package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.adapters.support.TestDatabases;

/**
 * {@link InvoiceAppenderTest} on PostgreSQL, which loads invoices through its own query (a lateral join on the
 * identifiers) and sends the batch's inserts rewritten as multi-row statements.
 */
class InvoiceAppenderIT extends InvoiceAppenderTest {

    @Override
    TestDatabases database() {
        return TestDatabases.POSTGRESQL;
    }
}
