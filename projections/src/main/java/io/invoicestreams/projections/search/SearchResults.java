package io.invoicestreams.projections.search;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A page of hits, best first, with the facets of all matching documents.
 *
 * @param total  how many documents match
 * @param facets per facet (country, vendor), the counts of its values, largest first
 * @param next   the token of the next page, or null on the last page
 */
public record SearchResults(long total, List<Hit> hits, Map<String, Map<String, Long>> facets, String next) {

    /** @param highlights the matching passages, with matches in {@code <em>} */
    public record Hit(String id, String invoiceNumber, String transactionId, String country, BigDecimal amount,
                      String currency, String vendor, List<String> items, float score, List<String> highlights,
                      String document) {
    }

    /** The query could not be parsed, or asks for too much (clauses, terms a wildcard matches); says which. */
    public static final class BadQuery extends IllegalArgumentException {
        public BadQuery(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The search took longer than the index allows one query; the caller may try again, or narrow it. */
    public static final class TimedOut extends RuntimeException {
        public TimedOut(String message) {
            super(message);
        }
    }
}
