package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.InvoiceNumber;
import java.util.List;
import java.util.Objects;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Apply the observed changes of one invoice's transactions, in stream order. One stream batch sends one of these
 * per invoice rather than one per record: each command loads the aggregate once.
 *
 * @param invoiceNumber the invoice
 * @param changes       one entry per stream record, oldest first
 */
public record ApplyTransactionChanges(@TargetAggregateIdentifier InvoiceNumber invoiceNumber,
                                      List<TransactionChange> changes) {

    public ApplyTransactionChanges {
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        changes = List.copyOf(changes);
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("ApplyTransactionChanges for invoice " + invoiceNumber
                    + " carries no change");
        }
    }

    public static ApplyTransactionChanges of(InvoiceNumber invoiceNumber, TransactionChange... changes) {
        return new ApplyTransactionChanges(invoiceNumber, List.of(changes));
    }
}
