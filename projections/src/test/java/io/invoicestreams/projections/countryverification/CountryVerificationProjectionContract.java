package io.invoicestreams.projections.countryverification;

import static io.invoicestreams.projections.support.EventHistory.seed;
import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.support.ProjectionDriver;
import io.invoicestreams.projections.totals.TotalsProjectionContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the country verification projection promises, whatever store it writes to. The in-memory store runs it
 * here; the DynamoDB store runs the same tests against DynamoDB Local in the adapters.
 */
public abstract class CountryVerificationProjectionContract {

    protected abstract CountryVerificationStore emptyStore();

    private CountryVerificationStore store;
    private final List<CountryCode> unverified = new ArrayList<>();

    @BeforeEach
    void freshStore() {
        store = emptyStore();
        unverified.clear();
    }

    private ProjectionDriver projection() {
        return new ProjectionDriver(new CountryVerificationProjection(store, unverified::add));
    }

    private List<String> rows(String invoice) {
        return store.find(new InvoiceNumber(invoice)).stream()
                .map(v -> v.country() + " " + (v.verifier() == null ? "-" : v.verifier()) + " "
                        + v.totalTransactions())
                .toList();
    }

    @Test
    void verifiers_assigned_after_the_seed_count_its_earlier_transactions_and_china_stays_uncounted() {
        EventHistory history = seed()
                .verifier("1212121", "USA", "admin@com")
                .verifier("1212122", "UK", "admin@co.uk");

        projection().deliver(history.messages(), 100);

        assertThat(rows("1212121")).containsExactly("USA admin@com 2");
        assertThat(rows("1212122")).containsExactly("UK admin@co.uk 1");
        assertThat(unverified).extracting(CountryCode::value).containsExactlyInAnyOrder("USA", "USA", "UK", "China", "USA");
    }

    @Test
    void transactions_recorded_after_the_verifier_count_and_others_are_unverified() {
        EventHistory history = new EventHistory()
                .verifier("1212121", "USA", "admin@com")
                .recorded("1212121", "Client1_trans1xxxx", "$100", "USA")
                .recorded("1212121", "Client2_trans1xxxx", "$500", "China");

        projection().deliver(history.messages(), 1);

        assertThat(rows("1212121")).containsExactly("USA admin@com 1");
        assertThat(unverified).extracting(CountryCode::value).containsExactly("China");
    }

    @Test
    void a_removal_takes_back_only_what_was_counted() {
        EventHistory history = new EventHistory()
                .recorded("1212121", "Client1_trans1xxxx", "$100", "USA")
                .verifier("1212121", "UK", "admin@co.uk")
                .recorded("1212121", "Client1_trans2xxxx", "$500", "UK")
                .removed("1212121", "Client1_trans1xxxx")
                .expired("1212121", "Client1_trans2xxxx");

        projection().deliver(history.messages(), 2);

        assertThat(rows("1212121")).containsExactly("UK admin@co.uk 0");
    }

    @Test
    void a_transaction_moved_between_countries_moves_its_count() {
        EventHistory history = seed()
                .verifier("1212121", "USA", "admin@com")
                .verifier("1212121", "China", "cn@com")
                .moved("1212121", "Client1_trans1xxxx", "China");

        projection().deliver(history.messages(), 3);

        assertThat(rows("1212121")).containsExactly("China cn@com 2", "USA admin@com 1");
    }

    @Test
    void removing_the_verifier_removes_the_count_and_stops_counting() {
        EventHistory history = seed()
                .verifier("1212121", "USA", "admin@com")
                .noVerifier("1212121", "USA")
                .recorded("1212121", "Client9", "$1", "USA");

        projection().deliver(history.messages(), 100);

        assertThat(rows("1212121")).containsExactly("USA - 0");
    }

    @Test
    void the_same_events_delivered_twice_give_the_same_counts() {
        List<DomainEventMessage<?>> events = randomHistory(600, 5).messages();
        projection().deliver(events, 40);
        Map<String, List<String>> once = allRows(events);

        projection().deliver(events, 40);
        projection().deliver(events.subList(events.size() / 2, events.size()), 7);

        assertThat(allRows(events)).isEqualTo(once).isEqualTo(expected(randomHistory(600, 5)));
    }

    @Test
    void rebuilt_from_history_equals_built_live() {
        EventHistory history = randomHistory(1_500, 29);
        List<DomainEventMessage<?>> events = history.messages();
        // Live: small batches as the stream brings them, one stretch delivered twice.
        projection().deliver(events.subList(0, 700), 7);
        ProjectionDriver live = projection().deliver(events.subList(690, events.size()), 7);
        Map<String, List<String>> builtLive = allRows(events);

        live.reset();
        assertThat(allRows(events)).isEmpty();
        projection().deliver(events, 500); // the replay of the whole store, in processor-sized batches

        assertThat(allRows(events)).isEqualTo(builtLive).isEqualTo(expected(history)).hasSizeGreaterThan(5);
    }

    @Test
    void a_reset_clears_the_counts() {
        projection().deliver(seed().verifier("1212121", "USA", "admin@com").messages(), 10).reset();

        assertThat(rows("1212121")).isEmpty();
    }

    @Test
    void the_view_names_the_verifier() {
        projection().deliver(seed().verifier("1212121", "USA", "admin@com").messages(), 10);

        assertThat(store.find(new InvoiceNumber("1212121")).getFirst().verifier()).isEqualTo(new Verifier("admin@com"));
    }

    /** The random history of the totals contract, with verifiers coming and going. */
    public static EventHistory randomHistory(int events, long seed) {
        EventHistory history = TotalsProjectionContract.randomHistory(events, seed);
        Random random = new Random(seed);
        for (int i = 0; i < events / 10; i++) {
            String invoice = "INV" + random.nextInt(20);
            String country = new String[]{"USA", "UK", "China"}[random.nextInt(3)];
            if (random.nextInt(4) == 0) {
                history.noVerifier(invoice, country);
            } else {
                history.verifier(invoice, country, "v" + random.nextInt(3) + "@com");
            }
        }
        return history;
    }

    /** What the rows must be, from the history: the last verifier of each pair counts its open transactions. */
    static Map<String, List<String>> expected(EventHistory history) {
        Map<String, String> verifiers = new TreeMap<>();
        for (DomainEventMessage<?> m : history.messages()) {
            switch (m.getPayload()) {
                case io.invoicestreams.domain.invoice.VerificationEvent.CountryVerifierAssigned a ->
                        verifiers.put(a.invoiceNumber() + " " + a.country(), a.verifier().value());
                case io.invoicestreams.domain.invoice.VerificationEvent.CountryVerifierRemoved r ->
                        verifiers.put(r.invoiceNumber() + " " + r.country(), null);
                default -> { }
            }
        }
        Map<String, List<String>> rows = new TreeMap<>();
        verifiers.forEach((pair, verifier) -> {
            String invoice = pair.substring(0, pair.indexOf(' '));
            String country = pair.substring(pair.indexOf(' ') + 1);
            long count = verifier == null ? 0 : history.openCountries().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(invoice + "/") && e.getValue().value().equals(country))
                    .count();
            rows.computeIfAbsent(invoice, k -> new ArrayList<>())
                    .add(country + " " + (verifier == null ? "-" : verifier) + " " + count);
        });
        rows.values().forEach(list -> list.sort(null));
        return rows;
    }

    private Map<String, List<String>> allRows(List<DomainEventMessage<?>> events) {
        Map<String, List<String>> rows = new TreeMap<>();
        events.stream().map(DomainEventMessage::getAggregateIdentifier).distinct().forEach(invoice -> {
            List<String> r = new ArrayList<>(rows(invoice));
            if (!r.isEmpty()) {
                r.sort(null);
                rows.put(invoice, r);
            }
        });
        return rows;
    }

    /**
     * A rebuild's fold written over a store that went wrong (issue 15): every row ends as the live path leaves it,
     * rows the history does not yield are deleted, and the rows remember the same transactions: later removals and
     * moves take back exactly what the live path takes back.
     */
    @Test
    void a_fold_written_over_the_store_leaves_what_the_live_path_leaves_and_deletes_the_rest() {
        EventHistory history = seed()
                .verifier("1212121", "USA", "admin@com")
                .verifier("1212122", "UK", "admin@co.uk")
                .recorded("1212121", "Client9_trans1", "$7", "USA")
                .verifier("1212123", "USA", "us@com")
                .noVerifier("1212123", "USA")
                .verifier("1212121", "China", "cn@com")
                .moved("1212121", "Client2_trans1xxxx", "USA");
        CountryVerificationStore live = emptyStore();
        new ProjectionDriver(new CountryVerificationProjection(live, c -> { })).deliver(history.messages(), 3);
        // The store under test went wrong: a stray row, and a verifier nobody assigned.
        projection().deliver(seed().verifier("STRAY1", "USA", "x@com").verifier("1212122", "China", "y@com")
                .messages(), 2);

        io.invoicestreams.projections.Fold fold = CountryVerificationProjection.fold(store);
        new ProjectionDriver(fold.handler()).deliver(history.messages(), 50);
        io.invoicestreams.projections.Replaced replaced = fold.writeOver();

        assertThat(replaced.deleted()).as("STRAY1 USA and 1212122 China").isEqualTo(2);
        assertThat(rows("STRAY1")).isEmpty();
        for (String invoice : List.of("1212121", "1212122", "1212123")) {
            assertThat(store.find(new InvoiceNumber(invoice))).as(invoice)
                    .containsExactlyInAnyOrderElementsOf(live.find(new InvoiceNumber(invoice)));
        }
        assertThat(rows("1212121")).containsExactlyInAnyOrder("China cn@com 0", "USA admin@com 4");

        EventHistory later = history.removed("1212121", "Client1_trans1xxxx").removed("1212121", "Client9_trans1")
                .moved("1212122", "Client2_trans1xxx", "USA");
        List<org.axonframework.eventhandling.DomainEventMessage<?>> all = later.messages();
        List<org.axonframework.eventhandling.DomainEventMessage<?>> tail = all.subList(all.size() - 3, all.size());
        projection().deliver(tail, 1);
        new ProjectionDriver(new CountryVerificationProjection(live, c -> { })).deliver(tail, 1);
        for (String invoice : List.of("1212121", "1212122")) {
            assertThat(store.find(new InvoiceNumber(invoice))).as(invoice)
                    .containsExactlyInAnyOrderElementsOf(live.find(new InvoiceNumber(invoice)));
        }
        assertThat(rows("1212121")).containsExactlyInAnyOrder("China cn@com 0", "USA admin@com 2");
    }

    /** The store, counting the writes the projection asks of it. */
    private static final class CountingWrites implements CountryVerificationStore {
        final CountryVerificationStore store;
        int counts;
        int countAlls;
        int largestCountAll;
        /** Removals to refuse, as a store that is down refuses them. */
        int refuseUncounts;

        CountingWrites(CountryVerificationStore store) {
            this.store = store;
        }

        @Override
        public CountOutcome count(InvoiceNumber invoice, CountryCode country, io.invoicestreams.domain.TransactionId t) {
            counts++;
            return store.count(invoice, country, t);
        }

        @Override
        public Map<io.invoicestreams.domain.TransactionId, CountOutcome> countAll(InvoiceNumber invoice,
                CountryCode country, List<io.invoicestreams.domain.TransactionId> transactions) {
            countAlls++;
            largestCountAll = Math.max(largestCountAll, transactions.size());
            return store.countAll(invoice, country, transactions);
        }

        @Override
        public boolean uncount(InvoiceNumber invoice, CountryCode country, io.invoicestreams.domain.TransactionId t) {
            if (refuseUncounts > 0) {
                refuseUncounts--;
                throw new IllegalStateException("the store is down");
            }
            return store.uncount(invoice, country, t);
        }

        @Override
        public void assign(InvoiceNumber invoice, CountryCode country, Verifier verifier,
                           java.util.Set<io.invoicestreams.domain.TransactionId> counted) {
            store.assign(invoice, country, verifier, counted);
        }

        @Override
        public void unassign(InvoiceNumber invoice, CountryCode country) {
            store.unassign(invoice, country);
        }

        @Override
        public List<CountryVerificationView> find(InvoiceNumber invoice) {
            return store.find(invoice);
        }

        @Override
        public void clear() {
            store.clear();
        }

        @Override
        public io.invoicestreams.projections.Replaced replaceAll(java.util.Collection<CountryVerificationRow> rows) {
            return store.replaceAll(rows);
        }
    }

    /**
     * Issue 15: a processor batch's recordings are counted with one write per invoice and country, with the same
     * counts and the same unverified transactions as one write per event; a removal in the batch comes after them.
     */
    @Test
    void a_batch_counts_each_invoice_and_country_in_one_write() {
        CountingWrites writes = new CountingWrites(store);
        ProjectionDriver projection = new ProjectionDriver(new CountryVerificationProjection(writes, unverified::add));
        projection.deliver(new EventHistory().verifier("1212121", "USA", "admin@com").messages(), 1);
        EventHistory history = new EventHistory().verifier("1212121", "USA", "admin@com");
        for (int t = 0; t < 60; t++) {
            history.recorded("1212121", "US" + t, "$1", "USA");
        }
        history.recorded("1212121", "CN1", "$1", "China").recorded("1212121", "CN2", "$1", "China");
        history.removed("1212121", "US7");
        history.recorded("1212121", "US60", "$1", "USA");
        List<DomainEventMessage<?>> batch = history.messages().subList(1, history.size());

        projection.batch(batch);

        assertThat(rows("1212121")).containsExactly("USA admin@com 60");
        assertThat(unverified).extracting(CountryCode::value).containsExactly("China", "China");
        assertThat(writes.counts).as("writes of one transaction").isZero();
        assertThat(writes.countAlls).as("USA and China before the removal, USA after it").isEqualTo(3);

        projection.batch(batch); // delivered again, as after a crash before the token moved
        assertThat(rows("1212121")).containsExactly("USA admin@com 60");
    }

    /**
     * A write that fails fails the whole batch, whose writes are all made when it commits: nothing gathered before the
     * failing change is lost, and the retry writes event by event to the same counts.
     */
    @Test
    void a_batch_whose_write_fails_is_written_again_event_by_event() {
        CountingWrites writes = new CountingWrites(store);
        ProjectionDriver projection = new ProjectionDriver(new CountryVerificationProjection(writes, unverified::add));
        EventHistory history = new EventHistory().verifier("1212121", "USA", "admin@com");
        projection.batch(history.messages());
        history.recorded("1212121", "A", "$1", "USA").recorded("1212121", "B", "$1", "USA")
                .recorded("1212121", "C", "$1", "USA").removed("1212121", "A");
        List<DomainEventMessage<?>> batch = history.messages().subList(1, history.size());
        writes.refuseUncounts = 1;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> projection.batch(batch))
                .hasRootCauseMessage("the store is down");
        projection.batch(batch); // the processor's retry

        assertThat(rows("1212121")).containsExactly("USA admin@com 2");
        assertThat(writes.countAlls).as("A, B and C together, then each alone on the retry").isEqualTo(1 + 3);
    }

    /** The per-event baseline (coalescing off) and the coalesced path leave the same rows. */
    @Test
    void writing_each_event_at_once_gives_the_same_counts_as_coalescing() {
        EventHistory history = randomHistory(900, 31);
        CountingWrites writes = new CountingWrites(store);
        new ProjectionDriver(new CountryVerificationProjection(writes, unverified::add, false))
                .deliver(history.messages(), 50);

        assertThat(allRows(history.messages())).isEqualTo(expected(history)).hasSizeGreaterThan(5);
        assertThat(writes.countAlls).isPositive();
        assertThat(writes.largestCountAll).as("one transaction a write").isEqualTo(1);
    }

    /** Counting several transactions at once counts only the new ones, and nothing where nobody verifies. */
    @Test
    void counting_several_at_once_leaves_out_those_already_counted() {
        InvoiceNumber invoice = new InvoiceNumber("1212121");
        CountryCode usa = new CountryCode("USA");
        store.assign(invoice, usa, new Verifier("admin@com"), java.util.Set.of());
        List<io.invoicestreams.domain.TransactionId> transactions = new ArrayList<>();
        for (int t = 0; t < 120; t++) {
            transactions.add(new io.invoicestreams.domain.TransactionId("T" + t));
        }
        store.count(invoice, usa, transactions.get(3));
        store.count(invoice, usa, transactions.get(70));

        Map<io.invoicestreams.domain.TransactionId, CountryVerificationStore.CountOutcome> outcomes =
                store.countAll(invoice, usa, transactions);

        assertThat(outcomes).hasSize(120);
        assertThat(outcomes.values()).filteredOn(o -> o == CountryVerificationStore.CountOutcome.ALREADY_COUNTED)
                .hasSize(2);
        assertThat(outcomes.get(transactions.get(70))).isEqualTo(CountryVerificationStore.CountOutcome.ALREADY_COUNTED);
        assertThat(rows("1212121")).containsExactly("USA admin@com 120");
        assertThat(store.countAll(invoice, new CountryCode("UK"), transactions.subList(0, 3)).values())
                .containsOnly(CountryVerificationStore.CountOutcome.UNVERIFIED);
        assertThat(rows("1212121")).containsExactly("USA admin@com 120");
        assertThat(store.uncount(invoice, usa, transactions.get(100))).isTrue();
        assertThat(rows("1212121")).containsExactly("USA admin@com 119");
    }
}
