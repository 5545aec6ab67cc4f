package io.invoicestreams.domain.invoice;

import static io.invoicestreams.domain.invoice.InvoiceFixture.CHINA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS1;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS2;
import static io.invoicestreams.domain.invoice.InvoiceFixture.USA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.apply;
import static io.invoicestreams.domain.invoice.InvoiceFixture.deleted;
import static io.invoicestreams.domain.invoice.InvoiceFixture.details;
import static io.invoicestreams.domain.invoice.InvoiceFixture.expired;
import static io.invoicestreams.domain.invoice.InvoiceFixture.verifierAssigned;
import static io.invoicestreams.domain.invoice.InvoiceFixture.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.TransactionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

/**
 * The stream ingestion loads an invoice, decides and appends its events without Axon's command bus (issue 14). These
 * tests hold that path to Axon's own handling of the same command on the same history: random histories and
 * commands, where Axon's aggregate fixture must see exactly the events and outcomes the plain path produced.
 */
class InvoiceWithoutAxonTest {

    private static final List<TransactionId> IDS = List.of(CLIENT1_TRANS1, CLIENT1_TRANS2,
            new TransactionId("Client1_trans3xxxx"));
    private static final List<String> AMOUNTS = List.of("100", "70", "0");
    private static final List<CountryCode> COUNTRIES = List.of(USA, CHINA);

    @Test
    void random_histories_and_commands_decide_as_axon_does() {
        Random random = new Random(20261207);
        int eventsCompared = 0;
        for (int scenario = 0; scenario < 300; scenario++) {
            List<Object> history = new ArrayList<>();
            Invoice plain = Invoice.replay(List.of());
            long[] sequence = {0};
            int commands = 1 + random.nextInt(6);
            for (int c = 0; c < commands; c++) {
                if (random.nextInt(8) == 0) {
                    // A verifier decision in the history; the plain path must replay those too.
                    Object assigned = verifierAssigned(COUNTRIES.get(random.nextInt(2)));
                    plain.evolve(assigned);
                    history.add(assigned);
                    continue;
                }
                ApplyTransactionChanges command = randomCommand(random, sequence);
                List<Object> newEvents = new ArrayList<>();
                List<ChangeOutcome> outcomes = plain.decide(command, newEvents);

                new AggregateTestFixture<>(Invoice.class)
                        .given(history)
                        .when(command)
                        .expectEvents(newEvents.toArray())
                        .expectResultMessagePayload(outcomes);
                eventsCompared += newEvents.size();
                history.addAll(newEvents);
            }
        }
        // The scenarios are only worth something if they made events to compare.
        assertThat(eventsCompared).isGreaterThan(300);
    }

    @Test
    void a_replayed_invoice_decides_as_the_one_that_made_the_events() {
        Invoice live = Invoice.replay(List.of());
        List<Object> history = new ArrayList<>();
        live.decide(apply(written(CLIENT1_TRANS1, 1, details("100", USA)),
                written(CLIENT1_TRANS1, 2, details("70", CHINA))), history);
        Invoice replayed = Invoice.replay(history);

        ApplyTransactionChanges next = apply(written(CLIENT1_TRANS1, 2, details("70", CHINA)),
                deleted(CLIENT1_TRANS1, 3));
        List<Object> fromLive = new ArrayList<>();
        List<Object> fromReplayed = new ArrayList<>();
        assertThat(replayed.decide(next, fromReplayed)).isEqualTo(live.decide(next, fromLive));
        assertThat(fromReplayed).isEqualTo(fromLive).hasSize(1);
    }

    @Test
    void an_event_of_another_aggregate_is_refused() {
        assertThatThrownBy(() -> Invoice.replay(List.of("not an event")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an event of an Invoice: java.lang.String");
    }

    /** One to four changes; sequences mostly rise, and now and then a record comes again or out of order. */
    private static ApplyTransactionChanges randomCommand(Random random, long[] sequence) {
        int size = 1 + random.nextInt(4);
        List<TransactionChange> changes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            long seq = random.nextInt(6) == 0 && sequence[0] > 1
                    ? 1 + random.nextInt((int) sequence[0])
                    : ++sequence[0];
            TransactionId id = IDS.get(random.nextInt(IDS.size()));
            changes.add(switch (random.nextInt(6)) {
                case 0 -> deleted(id, seq);
                case 1 -> expired(id, seq);
                default -> written(id, seq, details(AMOUNTS.get(random.nextInt(AMOUNTS.size())),
                        COUNTRIES.get(random.nextInt(COUNTRIES.size()))));
            });
        }
        return new ApplyTransactionChanges(InvoiceFixture.INVOICE, changes);
    }
}
