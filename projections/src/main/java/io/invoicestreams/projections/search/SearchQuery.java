package io.invoicestreams.projections.search;

import java.math.BigDecimal;

/**
 * A search: free text in the engine's query syntax (words, "phrases", {@code vendor:*1*}, {@code item:printer}),
 * and filters. Every part is optional; nulls mean no filter.
 *
 * @param item        with {@code minQuantity}: only documents with this item in at least that quantity
 * @param limit       hits per page, 1 to 100
 * @param next        the page token of the previous page's {@link SearchResults#next()}
 */
public record SearchQuery(String text, String country, BigDecimal minAmount, BigDecimal maxAmount, String invoice,
                          String item, BigDecimal minQuantity, int limit, String next) {

    /** The longest text a query may have. */
    public static final int MAX_TEXT = 1000;

    public SearchQuery {
        if (text != null && text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("the query text may have at most " + MAX_TEXT + " characters, had "
                    + text.length());
        }
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be between 1 and 100, was " + limit);
        }
        if (minAmount != null && maxAmount != null && minAmount.compareTo(maxAmount) > 0) {
            throw new IllegalArgumentException("minAmount " + minAmount.toPlainString() + " is above maxAmount "
                    + maxAmount.toPlainString());
        }
        if (minQuantity != null && (item == null || item.isBlank())) {
            throw new IllegalArgumentException("minQuantity needs item, the item it counts");
        }
    }

    public static SearchQuery text(String text) {
        return new SearchQuery(text, null, null, null, null, null, null, 20, null);
    }
}
