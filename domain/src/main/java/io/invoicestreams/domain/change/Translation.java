package io.invoicestreams.domain.change;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.invoice.TransactionChange;

/** What an observed change translates to. */
public sealed interface Translation {

    /** A change for the invoice's aggregate. */
    record Translated(InvoiceNumber invoiceNumber, TransactionChange change) implements Translation {
    }

    /** The record cannot be read as a change of an invoice transaction; it must be parked with this reason. */
    record Unusable(String reason) implements Translation {
    }

    /**
     * A write whose item is gone by the time it was read (KEYS_ONLY or OLD_IMAGE streams): the deletion that
     * follows in the stream speaks for it, so there is nothing to apply and nothing lost.
     */
    record Superseded(String reason) implements Translation {
    }

    /** A record of this service's own making, the bootstrap's marker item: it is no invoice's change. */
    record Ignored(String reason) implements Translation {
    }
}
