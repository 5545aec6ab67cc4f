package io.invoicestreams.projections.notifications;

/**
 * The port the notifications projection publishes through. Each call hands over one message, or throws: a thrown
 * failure parks the event in the processing group's dead-letter queue, from where it is retried. In the service the
 * port writes each message to an outbox in the processor's transaction, and a sender sends each one on its own, so a
 * message that fails never makes another one go out again (ADR 0025). A message carries the id of the event it came
 * from, which the channel uses as its deduplication id.
 */
public interface Notifications {

    /** Publishes a zero-amount alert. */
    void alert(ZeroAmountAlert alert);

    /** Sends a new invoice to payment processing. */
    void requestPayment(PaymentRequest request);
}
