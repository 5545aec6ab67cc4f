package io.invoicestreams.projections.reporting;

import io.invoicestreams.domain.InvoiceNumber;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reporting port over the base table: an invoice's transactions, or those whose id begins with a prefix, a page
 * at a time. The page token is opaque to callers.
 */
public interface InvoiceTransactions {

    /** The largest page a caller may ask for. */
    int MAX_LIMIT = 1000;

    /** Items of the table, attributes as stored ({@code Amount} is text such as "$100"), and the next page's token. */
    record Page(List<Map<String, Object>> items, Optional<String> next) {
    }

    /** A page token that is not one of ours, or that belongs to another invoice or prefix. */
    final class BadPageToken extends IllegalArgumentException {
        public BadPageToken(String message) {
            super(message);
        }
    }

    /**
     * @param prefix empty for every transaction of the invoice
     * @param limit  1 to {@link #MAX_LIMIT} items
     * @param next   the token of the previous page, or empty for the first
     * @throws BadPageToken when {@code next} is not a token of this invoice and prefix
     */
    Page transactions(InvoiceNumber invoice, Optional<String> prefix, int limit, Optional<String> next);
}
