package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.invoice.ChangeOutcome;
import io.invoicestreams.domain.invoice.TransactionChange;
import java.util.List;
import java.util.Map;

/**
 * Applies observed changes to their invoices and stores the events they mean, inside the caller's JDBC transaction:
 * they commit, or roll back, with it.
 */
@FunctionalInterface
public interface InvoiceChanges {

    /**
     * @param changes per invoice, its changes in stream order
     * @return per invoice, one outcome per change, in the same order
     */
    Map<InvoiceNumber, List<ChangeOutcome>> apply(Map<InvoiceNumber, List<TransactionChange>> changes);
}
