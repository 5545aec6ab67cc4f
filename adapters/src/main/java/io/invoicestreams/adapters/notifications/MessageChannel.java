package io.invoicestreams.adapters.notifications;

/** Where one kind of notification goes: an SQS queue, an SNS topic or the log. */
public interface MessageChannel {

    /** Sends the message, or throws when the destination did not accept it. */
    void send(OutboundMessage message);

    /** The destination, for logs and the README's "where does it go" question. */
    String describe();
}
