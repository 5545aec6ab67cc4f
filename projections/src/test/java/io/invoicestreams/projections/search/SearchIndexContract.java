package io.invoicestreams.projections.search;

import static io.invoicestreams.projections.support.EventHistory.document;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.support.ProjectionDriver;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every search engine behind {@link SearchIndex} must do, driven through {@link SearchProjection} as a
 * processor drives it: Lucene and OpenSearch run these same tests.
 */
public abstract class SearchIndexContract {

    /** A fresh, empty index. */
    protected abstract SearchIndex index();

    private SearchIndex index;
    private ProjectionDriver driver;

    @BeforeEach
    void freshIndex() {
        index = index();
        driver = new ProjectionDriver(new SearchProjection(index));
    }

    /** The seed's rows with documents, as the demo writes them. */
    static EventHistory seed() {
        return new EventHistory()
                .recorded("1212121", "Client1_trans1xxxx", "$100", "USA",
                        document("Vendor1 Inc", items("laptops", 2, "desktops", 1, "printer", 2)))
                .recorded("1212121", "Client1_trans2xxxx", "$500", "USA",
                        document("Vendor1 Inc", items("monitors", 4)))
                .recorded("1212122", "Client2_trans1xxx", "$200", "UK",
                        document("Vendor2 Ltd", items("printer", 1, "toner", 6)))
                .recorded("1212121", "Client2_trans1xxxx", "$500", "China",
                        document("Vendor21 Co", items("laptops", 10)))
                .recorded("1212123", "Client3_trans1xxx", "$1000", "USA",
                        document("Acme Supplies", items("chairs", 12), "PaymentTerms", "net30 quarterly"));
    }

    static Map<String, Integer> items(Object... nameQuantity) {
        Map<String, Integer> items = new LinkedHashMap<>();
        for (int i = 0; i < nameQuantity.length; i += 2) {
            items.put((String) nameQuantity[i], (Integer) nameQuantity[i + 1]);
        }
        return items;
    }

    private List<String> ids(SearchQuery query) {
        return index.search(query).hits().stream().map(SearchResults.Hit::id).sorted().toList();
    }

    private static SearchQuery filtered(String text, String country, String min, String max, String invoice,
                                        String item, Integer minQuantity) {
        return new SearchQuery(text, country, min == null ? null : new BigDecimal(min),
                max == null ? null : new BigDecimal(max), invoice, item,
                minQuantity == null ? null : BigDecimal.valueOf(minQuantity), 20, null);
    }

    @Test
    void a_word_of_the_document_finds_its_transaction_with_a_highlight() {
        driver.deliver(seed().tracked(), 3);

        SearchResults results = index.search(SearchQuery.text("laptops"));

        assertThat(results.hits()).extracting(SearchResults.Hit::id)
                .containsExactlyInAnyOrder("1212121|Client1_trans1xxxx", "1212121|Client2_trans1xxxx");
        SearchResults.Hit hit = results.hits().stream().filter(h -> h.id().equals("1212121|Client1_trans1xxxx"))
                .findFirst().orElseThrow();
        assertThat(hit.vendor()).isEqualTo("Vendor1 Inc");
        assertThat(hit.items()).containsExactly("laptops: 2", "desktops: 1", "printer: 2");
        assertThat(hit.amount()).isEqualByComparingTo("100");
        assertThat(hit.currency()).isEqualTo("USD");
        assertThat(hit.highlights()).anyMatch(h -> h.contains("<b>laptops</b>") || h.contains("<em>laptops</em>"));
        assertThat(hit.document()).contains("\"Vendor Name\":\"Vendor1 Inc\"");
    }

    @Test
    void phrases_wildcard_vendors_and_a_new_attribute_are_searchable() {
        driver.deliver(seed().tracked(), 5);

        assertThat(ids(SearchQuery.text("\"Vendor1 Inc\""))).containsExactly("1212121|Client1_trans1xxxx",
                "1212121|Client1_trans2xxxx");
        assertThat(ids(SearchQuery.text("vendor:*1*"))).containsExactly("1212121|Client1_trans1xxxx",
                "1212121|Client1_trans2xxxx", "1212121|Client2_trans1xxxx");
        assertThat(ids(SearchQuery.text("net30"))).containsExactly("1212123|Client3_trans1xxx");
        assertThat(ids(SearchQuery.text("paymentterms:quarterly"))).containsExactly("1212123|Client3_trans1xxx");
    }

    @Test
    void filters_narrow_by_country_amount_invoice_and_item_quantity() {
        driver.deliver(seed().tracked(), 5);

        assertThat(ids(filtered(null, "USA", null, null, null, null, null))).containsExactly(
                "1212121|Client1_trans1xxxx", "1212121|Client1_trans2xxxx", "1212123|Client3_trans1xxx");
        assertThat(ids(filtered(null, null, "200", "500", null, null, null))).containsExactly(
                "1212121|Client1_trans2xxxx", "1212121|Client2_trans1xxxx", "1212122|Client2_trans1xxx");
        assertThat(ids(filtered(null, null, "100.01", null, "1212121", null, null))).containsExactly(
                "1212121|Client1_trans2xxxx", "1212121|Client2_trans1xxxx");
        assertThat(ids(filtered(null, null, null, null, null, "printer", 2))).containsExactly(
                "1212121|Client1_trans1xxxx");
        assertThat(ids(filtered("laptops", "China", null, null, null, null, null))).containsExactly(
                "1212121|Client2_trans1xxxx");
    }

    @Test
    void any_decimal_bound_is_a_filter_rounded_inward_and_beyond_any_amount_no_bound() {
        driver.deliver(seed().tracked(), 5);

        assertThat(ids(filtered(null, null, "0", "99999999999999999999999", null, null, null))).hasSize(5);
        assertThat(ids(filtered(null, null, "-1e999999999", "1e999999999", null, null, null))).hasSize(5);
        assertThat(ids(filtered(null, null, "1e999999999", null, null, null, null))).isEmpty();
        assertThat(ids(filtered(null, null, "499.99999", "500.000001", null, null, null))).containsExactly(
                "1212121|Client1_trans2xxxx", "1212121|Client2_trans1xxxx");
    }

    @Test
    void facets_count_every_match_per_country_and_vendor() {
        driver.deliver(seed().tracked(), 5);

        SearchResults results = index.search(new SearchQuery(null, null, null, null, null, null, null, 1, null));

        assertThat(results.total()).isEqualTo(5);
        assertThat(results.hits()).hasSize(1);
        assertThat(results.facets().get("country")).containsExactlyInAnyOrderEntriesOf(Map.of("USA", 3L, "UK", 1L,
                "China", 1L));
        assertThat(results.facets().get("vendor")).containsEntry("Vendor1 Inc", 2L).containsEntry("Acme Supplies", 1L);
    }

    @Test
    void pages_follow_next_until_every_match_was_shown_once() {
        driver.deliver(seed().tracked(), 5);
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            SearchResults page = index.search(new SearchQuery("usa OR uk OR china", null, null, null, null, null, null,
                    2, next));
            page.hits().forEach(h -> seen.add(h.id()));
            next = page.next();
            pages++;
        } while (next != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void changes_re_index_the_document_and_removals_delete_it() {
        EventHistory history = seed()
                .corrected("1212121", "Client1_trans1xxxx", "$0")
                .moved("1212122", "Client2_trans1xxx", "France")
                .documented("1212123", "Client3_trans1xxx", document("Acme Supplies", items("sofas", 3)))
                .removed("1212121", "Client1_trans2xxxx")
                .expired("1212121", "Client2_trans1xxxx");
        driver.deliver(history.tracked(), 4);

        assertThat(ids(filtered(null, null, null, "0", null, null, null))).containsExactly("1212121|Client1_trans1xxxx");
        assertThat(ids(filtered(null, "France", null, null, null, null, null))).containsExactly("1212122|Client2_trans1xxx");
        assertThat(ids(SearchQuery.text("chairs"))).isEmpty();
        assertThat(ids(SearchQuery.text("sofas"))).containsExactly("1212123|Client3_trans1xxx");
        assertThat(ids(SearchQuery.text("monitors"))).isEmpty();
        assertThat(index.find("1212121|Client2_trans1xxxx")).isEmpty();
        assertThat(index.search(new SearchQuery(null, null, null, null, null, null, null, 20, null)).total()).isEqualTo(3);
    }

    @Test
    void a_redelivered_or_late_older_event_does_not_overwrite_a_newer_one() {
        EventHistory history = seed()
                .corrected("1212121", "Client1_trans1xxxx", "$75")
                .removed("1212122", "Client2_trans1xxx");
        var events = history.tracked();
        driver.deliver(events, 100);

        driver.deliver(events.subList(0, 5), 2); // the records again, as after a crash before the token moved
        driver.batch(List.of(events.get(2))); // and one of them late, after its removal

        assertThat(index.find("1212121|Client1_trans1xxxx")).get()
                .satisfies(d -> assertThat(d.amount().amount()).isEqualByComparingTo("75"));
        assertThat(index.find("1212122|Client2_trans1xxx")).isEmpty();
        assertThat(ids(SearchQuery.text("toner"))).isEmpty();
    }

    @Test
    void a_query_the_parser_cannot_read_is_a_bad_query_with_its_message() {
        driver.deliver(seed().tracked(), 5);

        assertThatThrownBy(() -> index.search(SearchQuery.text("laptops AND (desktops")))
                .isInstanceOf(SearchResults.BadQuery.class)
                .hasMessageNotContaining("\n")
                .message().isNotBlank();
    }

    @Test
    void a_rebuild_fills_a_new_index_while_searches_read_the_old_one_until_the_swap() {
        driver.deliver(seed().tracked(), 5);
        EventHistory history = seed().removed("1212121", "Client2_trans1xxxx");

        driver.reset();
        assertThat(index.rebuilding()).isTrue();
        driver.deliver(history.tracked().subList(0, 3), 2);
        assertThat(index.search(SearchQuery.text("laptops")).total()).isEqualTo(2); // the old index still answers
        driver.deliver(history.tracked().subList(3, history.size()), 2);
        index.completeRebuild();

        assertThat(index.rebuilding()).isFalse();
        assertThat(ids(SearchQuery.text("laptops"))).containsExactly("1212121|Client1_trans1xxxx");
        assertThat(index.search(new SearchQuery(null, null, null, null, null, null, null, 20, null)).total())
                .isEqualTo(4);
    }

    @Test
    void a_reset_during_a_rebuild_starts_it_over_and_a_swap_without_a_rebuild_changes_nothing() {
        driver.deliver(seed().tracked(), 5);
        index.completeRebuild();
        assertThat(index.search(SearchQuery.text("laptops")).total()).isEqualTo(2);

        driver.reset();
        driver.deliver(seed().tracked().subList(0, 1), 1);
        driver.reset();
        index.completeRebuild();

        assertThat(index.search(SearchQuery.text("laptops")).total()).isZero(); // the second rebuild had no events
    }

    /**
     * A rebuild's fold written over an index that went wrong (issue 15): the new generation finds what the live
     * path finds, drops what the history does not yield, and keeps the versions of deleted documents, so that a
     * late, older write cannot bring one back.
     */
    @Test
    void a_fold_written_over_the_index_finds_what_the_history_yields_and_nothing_else() {
        EventHistory history = seed()
                .corrected("1212121", "Client1_trans1xxxx", "$0")
                .moved("1212122", "Client2_trans1xxx", "France")
                .removed("1212121", "Client1_trans2xxxx");
        driver.deliver(new EventHistory().recorded("9999999", "STRAY", "$5", "USA",
                document("Stray Vendor", items("gizmos", 1))).tracked(), 1);
        assertThat(ids(SearchQuery.text("gizmos"))).containsExactly("9999999|STRAY");

        io.invoicestreams.projections.Fold fold = SearchProjection.fold(index);
        new ProjectionDriver(fold.handler()).deliver(history.tracked(), 3);
        assertThat(ids(SearchQuery.text("gizmos"))).as("searches read the old index until the swap").hasSize(1);
        io.invoicestreams.projections.Replaced replaced = fold.writeOver();

        assertThat(replaced.written()).isEqualTo(4);
        assertThat(replaced.deleted()).as("the removed transaction's tombstone").isEqualTo(1);
        assertThat(index.rebuilding()).isFalse();
        assertThat(ids(SearchQuery.text("gizmos"))).isEmpty();
        assertThat(ids(filtered(null, "France", null, null, null, null, null)))
                .containsExactly("1212122|Client2_trans1xxx");
        assertThat(ids(filtered(null, null, null, "0", null, null, null))).containsExactly("1212121|Client1_trans1xxxx");
        assertThat(ids(SearchQuery.text("monitors"))).isEmpty();
        assertThat(index.search(new SearchQuery(null, null, null, null, null, null, null, 20, null)).total())
                .isEqualTo(4);

        driver.batch(List.of(history.tracked().get(1))); // the removed transaction's recording, late
        assertThat(index.find("1212121|Client1_trans2xxxx")).isEmpty();
        driver.deliver(new EventHistory().recorded("1212124", "New", "$7", "USA",
                document("Later Vendor", items("lamps", 1))).tracked().stream()
                .map(m -> (org.axonframework.eventhandling.TrackedEventMessage<?>)
                        new org.axonframework.eventhandling.GenericTrackedDomainEventMessage<>(
                                new org.axonframework.eventhandling.GlobalSequenceTrackingToken(100),
                                (org.axonframework.eventhandling.DomainEventMessage<?>) m))
                .toList(), 1);
        assertThat(ids(SearchQuery.text("lamps"))).as("the live path writes into the swapped-in index")
                .containsExactly("1212124|New");
    }
}
