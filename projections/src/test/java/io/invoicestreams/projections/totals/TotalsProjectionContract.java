package io.invoicestreams.projections.totals;

import static io.invoicestreams.projections.support.EventHistory.seed;
import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.support.ProjectionDriver;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the totals projection promises, whatever store it writes to: given events, the view. The in-memory store
 * runs it in this module; the DynamoDB store runs the same tests against DynamoDB Local in the adapters.
 */
public abstract class TotalsProjectionContract {

    /** A store with no totals in it. */
    protected abstract TotalsStore emptyStore();

    private TotalsStore store;

    @BeforeEach
    void freshStore() {
        store = emptyStore();
    }

    private ProjectionDriver coalescing() {
        return new ProjectionDriver(new TotalsProjection(store, true));
    }

    private Money total(String invoice) {
        return store.find(new InvoiceNumber(invoice)).orElseThrow().totals().getFirst();
    }

    @Test
    void the_seed_adds_up_per_invoice() {
        coalescing().deliver(seed().messages(), 100);

        assertThat(total("1212121")).isEqualTo(Money.of("1100", "USD"));
        assertThat(total("1212122")).isEqualTo(Money.of("200", "USD"));
        assertThat(store.find(new InvoiceNumber("1212121")).orElseThrow().updated())
                .isEqualTo(EventHistory.START.plusSeconds(4));
        assertThat(store.find(new InvoiceNumber("9999999"))).isEmpty();
    }

    @Test
    void a_correction_adds_the_difference_and_a_removal_or_expiry_subtracts() {
        EventHistory history = seed()
                .corrected("1212121", "Client1_trans1xxxx", "$150")
                .removed("1212121", "Client1_trans2xxxx")
                .expired("1212121", "Client2_trans1xxxx")
                .moved("1212122", "Client2_trans1xxx", "France")
                .dated("1212122", "Client2_trans1xxx", "07062016");

        coalescing().deliver(history.messages(), 3);

        assertThat(total("1212121")).isEqualTo(Money.of("150", "USD"));
        assertThat(total("1212122")).isEqualTo(Money.of("200", "USD"));
    }

    @Test
    void totals_are_kept_per_currency() {
        EventHistory history = seed()
                .recorded("1212121", "Client4_trans1", "EUR 40.50", "France")
                .corrected("1212121", "Client1_trans1xxxx", "EUR 90");

        coalescing().deliver(history.messages(), 100);

        assertThat(store.find(new InvoiceNumber("1212121")).orElseThrow().totals())
                .containsExactly(Money.of("1000", "USD"), Money.of("130.50", "EUR"));
    }

    @Test
    void the_same_events_delivered_twice_give_the_same_totals() {
        List<org.axonframework.eventhandling.DomainEventMessage<?>> events = randomHistory(500, 7).messages();
        coalescing().deliver(events, 50);
        Map<String, Money> once = totals(events);

        coalescing().deliver(events, 50);
        new ProjectionDriver(new TotalsProjection(store, false)).deliver(events, 1);

        assertThat(totals(events)).isEqualTo(once);
    }

    @Test
    void a_redelivery_that_overlaps_an_applied_batch_applies_only_the_new_steps() {
        List<org.axonframework.eventhandling.DomainEventMessage<?>> events = seed()
                .corrected("1212121", "Client1_trans1xxxx", "$150")
                .removed("1212121", "Client1_trans2xxxx").messages();
        coalescing().batch(events.subList(0, 6));

        coalescing().batch(events.subList(2, 7));

        assertThat(total("1212121")).isEqualTo(Money.of("650", "USD"));
    }

    @Test
    void coalesced_and_per_event_updates_give_the_same_totals() {
        EventHistory history = randomHistory(2_000, 11);
        coalescing().deliver(history.messages(), 200);
        Map<String, Money> coalesced = totals(history.messages());

        store.clear();
        new ProjectionDriver(new TotalsProjection(store, false)).deliver(history.messages(), 200);

        assertThat(totals(history.messages())).isEqualTo(coalesced).isEqualTo(expected(history));
    }

    @Test
    void rebuilt_from_history_equals_built_live() {
        EventHistory history = randomHistory(1_500, 23);
        List<org.axonframework.eventhandling.DomainEventMessage<?>> events = history.messages();
        // Live: small batches as the stream brings them, one stretch delivered twice.
        ProjectionDriver live = coalescing().deliver(events.subList(0, 700), 7);
        live.deliver(events.subList(690, events.size()), 7);
        Map<String, Money> builtLive = totals(events);

        live.reset();
        assertThat(totals(events)).isEmpty();
        coalescing().deliver(events, 500); // the replay of the whole store, in processor-sized batches

        assertThat(totals(events)).isEqualTo(builtLive).isEqualTo(expected(history)).hasSizeGreaterThan(10);
    }

    @Test
    void a_reset_clears_the_totals() {
        coalescing().deliver(seed().messages(), 100).reset();

        assertThat(store.find(new InvoiceNumber("1212121"))).isEmpty();
    }

    /** Random inserts, corrections, moves and deletes over a few invoices, in USD only. */
    public static EventHistory randomHistory(int events, long seed) {
        Random random = new Random(seed);
        EventHistory history = new EventHistory();
        for (int i = 0; i < events; i++) {
            String invoice = "INV" + random.nextInt(20);
            String transaction = "T" + random.nextInt(15);
            String[] countries = {"USA", "UK", "China"};
            if (!history.isOpen(invoice, transaction)) {
                history.recorded(invoice, transaction, "$" + random.nextInt(1000) + "." + random.nextInt(100),
                        countries[random.nextInt(3)]);
            } else {
                switch (random.nextInt(4)) {
                    case 0 -> history.corrected(invoice, transaction, "$" + random.nextInt(1000));
                    case 1 -> history.moved(invoice, transaction, countries[random.nextInt(3)]);
                    case 2 -> history.removed(invoice, transaction);
                    default -> history.expired(invoice, transaction);
                }
            }
        }
        return history;
    }

    /** The sum of the open transactions per invoice, from the history itself. */
    static Map<String, Money> expected(EventHistory history) {
        Map<String, Money> sums = new TreeMap<>();
        history.messages().forEach(m -> sums.put(m.getAggregateIdentifier(), Money.of("0", "USD")));
        history.openAmounts().forEach((key, amount) ->
                sums.merge(key.substring(0, key.indexOf('/')), amount, Money::plus));
        return sums;
    }

    private Map<String, Money> totals(List<? extends org.axonframework.eventhandling.DomainEventMessage<?>> events) {
        Map<String, Money> totals = new TreeMap<>();
        for (var message : events) {
            String invoice = message.getAggregateIdentifier();
            store.find(new InvoiceNumber(invoice)).ifPresent(v -> totals.put(invoice, v.totals().getFirst()));
        }
        return totals;
    }

    /**
     * A rebuild's fold written over a store that went wrong (issue 15): every invoice of the history ends as the live
     * path leaves it (totals per currency, {@code Update_date}, {@code Last_seq}), and the items the history does not
     * yield are deleted. The live path of later events then goes on from there.
     */
    @Test
    void a_fold_written_over_the_store_leaves_what_the_live_path_leaves_and_deletes_the_rest() {
        Random random = new Random(21);
        EventHistory history = seed();
        for (int i = 0; i < 12; i++) {
            String invoice = "F" + i;
            for (int t = 0; t < 4; t++) {
                history.recorded(invoice, "T" + t, (random.nextBoolean() ? "$" : "EUR ") + random.nextInt(500) + ".5",
                        "USA");
            }
            history.corrected(invoice, "T0", "$" + random.nextInt(300));
            if (i % 3 == 0) {
                history.removed(invoice, "T1");
            }
        }
        TotalsStore live = emptyStore();
        new ProjectionDriver(new TotalsProjection(live, true)).deliver(history.messages(), 7);
        // The store under test went wrong: a stray invoice, and a total that is not the seed's.
        coalescing().deliver(new EventHistory().recorded("1212121", "X", "$999", "USA")
                .recorded("STRAY1", "T1", "$5", "USA").messages(), 3);

        io.invoicestreams.projections.Fold fold = TotalsProjection.fold(store, java.util.Currency.getInstance("USD"));
        new ProjectionDriver(fold.handler()).deliver(history.messages(), 50);
        io.invoicestreams.projections.Replaced replaced = fold.writeOver();

        assertThat(replaced.written()).isEqualTo(15);
        assertThat(replaced.deleted()).as("STRAY1").isEqualTo(1);
        assertThat(store.find(new InvoiceNumber("STRAY1"))).isEmpty();
        List<String> invoices = new java.util.ArrayList<>(List.of("1212121", "1212122", "1212123"));
        for (int i = 0; i < 12; i++) {
            invoices.add("F" + i);
        }
        for (String invoice : invoices) {
            assertThat(store.find(new InvoiceNumber(invoice))).as(invoice)
                    .isEqualTo(live.find(new InvoiceNumber(invoice)));
        }
        EventHistory later = history.corrected("F1", "T2", "$1");
        List<org.axonframework.eventhandling.DomainEventMessage<?>> all = later.messages();
        coalescing().batch(all.subList(all.size() - 1, all.size()));
        new ProjectionDriver(new TotalsProjection(live, true)).batch(all.subList(all.size() - 1, all.size()));
        assertThat(store.find(new InvoiceNumber("F1"))).isEqualTo(live.find(new InvoiceNumber("F1")));
    }
}
