package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.TransactionId;
import java.util.Objects;

/**
 * One observed change of one transaction item, in domain terms. The stream adapter, not the domain, knows what
 * INSERT, MODIFY and REMOVE mean; here there is only "the item now reads so" and "the item is gone".
 */
public sealed interface TransactionChange {

    TransactionId transactionId();

    ChangeIdentity change();

    /**
     * The item now holds {@code details}. Whether that records, corrects or changes nothing is for the aggregate to
     * decide from its own state.
     *
     * @param created the record says the item was created here (an INSERT); false when an existing item was
     *                overwritten (a MODIFY), and for an item that {@code bootstrap} read from the table
     */
    record Written(TransactionId transactionId, ChangeIdentity change, TransactionDetails details, boolean created)
            implements TransactionChange {
        public Written {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(details, "details");
        }

        /** A write that created its item. */
        public Written(TransactionId transactionId, ChangeIdentity change, TransactionDetails details) {
            this(transactionId, change, details, true);
        }
    }

    /**
     * The item is gone.
     *
     * @param lastImage the item as the record last saw it, or null when the stream does not carry old images
     */
    record Deleted(TransactionId transactionId, ChangeIdentity change, DeletionCause cause,
                   TransactionDetails lastImage) implements TransactionChange {
        public Deleted {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** Why an item is gone. */
    enum DeletionCause {
        /** A person or program deleted it. */
        DELETED,
        /** The table's time to live expired it (the record's userIdentity is dynamodb.amazonaws.com). */
        EXPIRED
    }
}
