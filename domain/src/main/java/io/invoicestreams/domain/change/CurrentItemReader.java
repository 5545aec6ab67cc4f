package io.invoicestreams.domain.change;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import java.util.Optional;

/**
 * Reads the current item from the table, for a write whose record carries no new image (KEYS_ONLY and OLD_IMAGE
 * streams). The item read may be newer than the record; the aggregate then finds later records unchanged.
 */
@FunctionalInterface
public interface CurrentItemReader {

    /** A strongly consistent read; empty when the item no longer exists. */
    Optional<ItemImage> read(InvoiceNumber invoice, TransactionId transaction);

    /** For streams that always carry new images: any read is a bug. */
    CurrentItemReader NONE = (invoice, transaction) -> {
        throw new IllegalStateException("the stream carries no new image of " + invoice + "/" + transaction
                + " and no table reader is configured");
    };
}
