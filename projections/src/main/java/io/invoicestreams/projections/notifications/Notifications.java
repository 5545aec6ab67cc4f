package io.invoicestreams.projections.notifications;

/**
 * The port the notifications projection publishes through. Each call publishes one message, or throws: a thrown
 * failure parks the event in the processing group's dead-letter queue, from where it is retried. A message carries
 * the id of the event it came from, which the channel uses as its deduplication id, so publishing the same event
 * again (a retry after a crash before the processor stored its token) is not delivered twice.
 */
public interface Notifications {

    /** Publishes a zero-amount alert. */
    void alert(ZeroAmountAlert alert);

    /** Sends a new invoice to payment processing. */
    void requestPayment(PaymentRequest request);
}
