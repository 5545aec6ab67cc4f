package io.invoicestreams.app;

import io.invoicestreams.app.readmodel.Rebuilds;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchProjection;

import io.invoicestreams.projections.search.SearchQuery;
import io.invoicestreams.projections.search.SearchResults;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /search}: full-text search over the transactions' {@code InvoiceDoc}, with filters, highlights, facets
 * per country and vendor, and paging by {@code next}. A query the parser cannot read gets 400 problem+json with the
 * parser's message.
 */
@Path("/search")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.READER)
public class SearchResource {

    private final SearchIndex index;
    private final Rebuilds rebuilds;

    SearchResource(SearchIndex index, Rebuilds rebuilds) {
        this.index = index;
        this.rebuilds = rebuilds;
    }

    /**
     * @param rebuilding a rebuild of the index is under way: these answers come from the current index, complete but
     *                   perhaps behind, until the new one is swapped in
     */
    public record Page(String query, long total, List<SearchResults.Hit> hits, Map<String, Map<String, Long>> facets,
                       String next, boolean rebuilding) {
    }

    @GET
    public Page search(@QueryParam("q") String q, @QueryParam("country") String country,
                       @QueryParam("minAmount") String minAmount, @QueryParam("maxAmount") String maxAmount,
                       @QueryParam("invoice") String invoice, @QueryParam("item") String item,
                       @QueryParam("minQuantity") String minQuantity,
                       @QueryParam("limit") @DefaultValue("20") String limit, @QueryParam("next") String next) {
        SearchQuery query = new SearchQuery(blankToNull(q), blankToNull(country), decimal("minAmount", minAmount),
                decimal("maxAmount", maxAmount), blankToNull(invoice), blankToNull(item),
                decimal("minQuantity", minQuantity), Problems.intParam("limit", limit), blankToNull(next));
        SearchResults results = index.search(query);
        return new Page(q, results.total(), results.hits(), results.facets(), results.next(),
                index.rebuilding() || rebuilds.rebuilding(SearchProjection.NAME));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static BigDecimal decimal(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number such as 100 or 99.50, was '"
                    + io.invoicestreams.domain.Texts.abbreviate(value) + "'");
        }
    }
}
