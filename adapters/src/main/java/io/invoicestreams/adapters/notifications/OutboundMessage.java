package io.invoicestreams.adapters.notifications;

import java.util.Map;
import java.util.Objects;

/**
 * One message for a queue or topic.
 *
 * @param body            the message body
 * @param groupId         the FIFO message group: messages of one group are delivered in order (the invoice number)
 * @param deduplicationId the FIFO deduplication id: a second message with it is accepted and not delivered (the
 *                        id of the event the message came from)
 * @param attributes      string message attributes, for filtering and routing
 */
public record OutboundMessage(String body, String groupId, String deduplicationId, Map<String, String> attributes) {

    public OutboundMessage {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(deduplicationId, "deduplicationId");
        attributes = Map.copyOf(attributes);
    }
}
