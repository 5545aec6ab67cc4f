package io.invoicestreams.adapters.notifications;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.invoicestreams.projections.notifications.Notifications;
import io.invoicestreams.projections.notifications.PaymentRequest;
import io.invoicestreams.projections.notifications.ZeroAmountAlert;
import java.util.Map;
import java.util.Objects;

/**
 * The notifications port over two channels: alerts go as the seed's text, payment requests as JSON. Every message
 * is grouped by invoice and deduplicated by its event id.
 *
 * <p>The payment message: {@code {"invoiceNumber":"1212121","transactionId":"Client1_trans1xxxx","amount":"100.00",
 * "currency":"USD","country":"USA","recordedAt":"2016-06-06T10:00:00Z","eventId":"…"}}. The amount is a string, so
 * no reader turns it into a binary floating-point number.
 */
public final class ChannelNotifications implements Notifications {

    /** The message attribute that says what a message is. */
    public static final String TYPE = "type";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageChannel alerts;
    private final MessageChannel payments;

    public ChannelNotifications(MessageChannel alerts, MessageChannel payments) {
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.payments = Objects.requireNonNull(payments, "payments");
    }

    @Override
    public void alert(ZeroAmountAlert alert) {
        alerts.send(new OutboundMessage(alert.text(), alert.invoiceNumber().value(), alert.eventId(),
                Map.of(TYPE, "zero-amount-alert", "invoiceNumber", alert.invoiceNumber().value(),
                        "transactionId", alert.transactionId().value(), "reportedAt", alert.reportedAt().toString())));
    }

    @Override
    public void requestPayment(PaymentRequest request) {
        payments.send(new OutboundMessage(paymentJson(request), request.invoiceNumber().value(), request.eventId(),
                Map.of(TYPE, "new-invoice", "invoiceNumber", request.invoiceNumber().value())));
    }

    /** The body of a payment message. */
    public static String paymentJson(PaymentRequest request) {
        ObjectNode body = JSON.createObjectNode()
                .put("invoiceNumber", request.invoiceNumber().value())
                .put("transactionId", request.firstTransaction().value())
                .put("amount", request.amount().amount().toPlainString())
                .put("currency", request.amount().currency().getCurrencyCode())
                .put("country", request.country().value())
                .put("recordedAt", request.recordedAt().toString())
                .put("eventId", request.eventId());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a payment message: " + e.getMessage(), e);
        }
    }

    public String describe() {
        return "alerts to " + alerts.describe() + ", payments to " + payments.describe();
    }
}
