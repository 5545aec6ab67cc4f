package io.invoicestreams.adapters.notifications;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends to an SQS queue. On a FIFO queue (a name ending in {@code .fifo}) every message carries its group and
 * deduplication id, so SQS drops a second message with the same id within its five-minute deduplication window.
 */
public final class SqsChannel implements MessageChannel {

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;

    public SqsChannel(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.fifo = queueUrl.endsWith(".fifo");
    }

    /**
     * The URL of the named queue, created if missing (for the embedded queue and tests; in AWS the queues belong to
     * the infrastructure). A FIFO queue is created with explicit deduplication ids, not content-based ones.
     */
    public static String createQueue(SqsClient sqs, String name) {
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        if (name.endsWith(".fifo")) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        }
        return sqs.createQueue(CreateQueueRequest.builder().queueName(name).attributes(attributes).build()).queueUrl();
    }

    /** The URL of an existing queue: a URL is kept as it is, a name is looked up. */
    public static String queueUrl(SqsClient sqs, String nameOrUrl) {
        if (nameOrUrl.startsWith("https://") || nameOrUrl.startsWith("http://")) {
            return nameOrUrl;
        }
        return sqs.getQueueUrl(b -> b.queueName(nameOrUrl)).queueUrl();
    }

    @Override
    public void send(OutboundMessage message) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        message.attributes().forEach((k, v) -> attributes.put(k,
                MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl)
                .messageBody(message.body()).messageAttributes(attributes);
        if (fifo) {
            request.messageGroupId(message.groupId()).messageDeduplicationId(message.deduplicationId());
        }
        sqs.sendMessage(request.build());
    }

    @Override
    public String describe() {
        return "SQS queue " + queueUrl;
    }
}
