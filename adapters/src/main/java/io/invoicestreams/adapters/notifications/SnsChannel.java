package io.invoicestreams.adapters.notifications;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Publishes to an SNS topic. A FIFO topic (an ARN ending in {@code .fifo}) gets the group and deduplication id, and
 * drops a second message with the same id within five minutes; a standard topic has no deduplication, so a retry
 * after a crash may deliver a message twice there (ADR 0013).
 */
public final class SnsChannel implements MessageChannel {

    private final SnsClient sns;
    private final String topicArn;
    private final String subject;
    private final boolean fifo;

    /** @param subject the e-mail subject of the topic's e-mail subscribers; null for none */
    public SnsChannel(SnsClient sns, String topicArn, String subject) {
        this.sns = Objects.requireNonNull(sns, "sns");
        this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
        this.subject = subject;
        this.fifo = topicArn.endsWith(".fifo");
    }

    @Override
    public void send(OutboundMessage message) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        message.attributes().forEach((k, v) -> attributes.put(k,
                MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        PublishRequest.Builder request = PublishRequest.builder().topicArn(topicArn).message(message.body())
                .messageAttributes(attributes);
        if (subject != null && !fifo) {
            request.subject(subject);
        }
        if (fifo) {
            request.messageGroupId(message.groupId()).messageDeduplicationId(message.deduplicationId());
        }
        sns.publish(request.build());
    }

    @Override
    public String describe() {
        return "SNS topic " + topicArn;
    }
}
