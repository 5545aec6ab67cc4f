package io.invoicestreams.projections.notifications;

import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionAmountCorrected;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRecorded;
import java.util.Objects;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;

/**
 * Publishes the side effects of the event stream, in the processing group {@link #NAME}: a zero-amount alert when
 * a transaction is recorded or corrected with amount 0, and a payment request when the first transaction of an
 * invoice number is recorded.
 *
 * <p>Side effects never repeat: a replay (a token reset) skips these handlers, and a message carries its event's
 * id as deduplication id, so handling an event again after a crash is not delivered twice. A transaction that
 * {@code bootstrap} took from the table (ADR 0017) existed before this service followed the table: it is neither a
 * new invoice nor news, so it sends nothing. A failed hand-over (in the service, a failed write to the outbox of
 * ADR 0025) throws; the processing group's dead-letter queue parks the event, and later events of the same invoice
 * behind it, while other invoices go on (ADR 0013).
 */
public final class NotificationsProjection {

    public static final String NAME = "notifications";

    private final Notifications notifications;

    public NotificationsProjection(Notifications notifications) {
        this.notifications = Objects.requireNonNull(notifications, "notifications");
    }

    @EventHandler
    @DisallowReplay
    void on(TransactionRecorded event, @MessageIdentifier String eventId) {
        if (event.change().fromTableScan()) {
            return;
        }
        if (event.opensInvoice()) {
            notifications.requestPayment(new PaymentRequest(eventId, event.invoiceNumber(), event.transactionId(),
                    event.amount(), event.country(), event.change().changedAt()));
        }
        if (event.amount().isZero()) {
            notifications.alert(new ZeroAmountAlert(eventId, event.invoiceNumber(), event.transactionId(),
                    event.change().changedAt()));
        }
    }

    @EventHandler
    @DisallowReplay
    void on(TransactionAmountCorrected event, @MessageIdentifier String eventId) {
        if (event.correctedAmount().isZero() && !event.change().fromTableScan()) {
            notifications.alert(new ZeroAmountAlert(eventId, event.invoiceNumber(), event.transactionId(),
                    event.change().changedAt()));
        }
    }
}
