package io.invoicestreams.projections.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.support.ProjectionDriver;
import java.time.Instant;
import java.util.List;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;

class NotificationsProjectionTest {

    private final RecordingNotifications published = new RecordingNotifications();
    private final ProjectionDriver driver = new ProjectionDriver(new NotificationsProjection(published));

    @Test
    void the_first_transaction_of_each_invoice_requests_one_payment() {
        EventHistory history = EventHistory.seed();

        driver.deliver(history.tracked(), 2);

        assertThat(published.payments).extracting(p -> p.invoiceNumber().value(), p -> p.firstTransaction().value())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1212121", "Client1_trans1xxxx"),
                        org.assertj.core.groups.Tuple.tuple("1212122", "Client2_trans1xxx"),
                        org.assertj.core.groups.Tuple.tuple("1212123", "Client3_trans1xxx"));
        PaymentRequest first = published.payments.getFirst();
        assertThat(first.amount()).isEqualTo(EventHistory.money("$100"));
        assertThat(first.country().value()).isEqualTo("USA");
        assertThat(first.eventId()).isEqualTo(history.messages().getFirst().getIdentifier());
        assertThat(published.alerts).isEmpty();
    }

    @Test
    void a_transaction_recorded_after_the_invoice_lost_all_its_transactions_requests_no_second_payment() {
        EventHistory history = new EventHistory()
                .recorded("1212121", "T1", "$100", "USA")
                .removed("1212121", "T1")
                .recorded("1212121", "T2", "$50", "USA");

        driver.deliver(history.tracked(), 10);

        assertThat(published.payments).extracting(p -> p.firstTransaction().value()).containsExactly("T1");
    }

    @Test
    void items_a_bootstrap_took_from_the_table_send_nothing_and_a_later_change_to_zero_alerts() {
        EventHistory history = new EventHistory()
                .imported("1212121", "T1", "$0", "USA")
                .imported("1212122", "T1", "$5", "USA")
                .corrected("1212122", "T1", "$0")
                .recorded("1212123", "T1", "$7", "USA");

        driver.deliver(history.tracked(), 10);

        assertThat(published.alerts).extracting(a -> a.invoiceNumber().value()).containsExactly("1212122");
        assertThat(published.payments).extracting(p -> p.invoiceNumber().value()).containsExactly("1212123");
    }

    @Test
    void an_amount_corrected_to_zero_raises_one_alert_in_the_seed_words() {
        EventHistory history = EventHistory.seed().corrected("1212121", "Client1_trans1xxxx", "$0");

        driver.deliver(history.tracked(), 500);

        assertThat(published.alerts).hasSize(1);
        ZeroAmountAlert alert = published.alerts.getFirst();
        Instant at = history.messages().getLast().getPayload() instanceof
                io.invoicestreams.domain.invoice.InvoiceEvent e ? e.change().changedAt() : null;
        assertThat(alert.reportedAt()).isEqualTo(at);
        assertThat(alert.text()).isEqualTo("Take immediate action for Invoice number 1212121 as zero value is"
                + " reported in the InvoiceTransactions table as on " + ZeroAmountAlert.SEED_TIME.format(at));
        assertThat(alert.eventId()).isEqualTo(history.messages().getLast().getIdentifier());
    }

    @Test
    void a_transaction_recorded_with_zero_raises_an_alert_and_other_changes_do_not() {
        EventHistory history = new EventHistory()
                .recorded("1212121", "T1", "$0", "USA")
                .corrected("1212121", "T1", "$5")
                .moved("1212121", "T1", "UK")
                .removed("1212121", "T1");

        driver.deliver(history.tracked(), 10);

        assertThat(published.alerts).extracting(a -> a.transactionId().value()).containsExactly("T1");
        assertThat(published.payments).hasSize(1);
    }

    @Test
    void the_seed_time_format_is_year_month_hour_minute_second_in_utc() {
        assertThat(ZeroAmountAlert.SEED_TIME.format(Instant.parse("2016-06-07T21:05:09Z"))).isEqualTo("1606210509");
    }

    @Test
    void a_replay_publishes_nothing() {
        EventHistory history = EventHistory.seed().corrected("1212121", "Client1_trans1xxxx", "$0");
        List<TrackedEventMessage<?>> live = history.tracked();
        GlobalSequenceTrackingToken head = new GlobalSequenceTrackingToken(live.size());
        List<TrackedEventMessage<?>> replayed = live.stream().<TrackedEventMessage<?>>map(m ->
                new GenericTrackedDomainEventMessage<>(ReplayToken.createReplayToken(head, m.trackingToken()),
                        (org.axonframework.eventhandling.DomainEventMessage<?>) m)).toList();

        driver.deliver(replayed, 500);

        assertThat(published.payments).isEmpty();
        assertThat(published.alerts).isEmpty();
    }
}
