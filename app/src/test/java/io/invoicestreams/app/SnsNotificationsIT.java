package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.aws.EndpointCredentials;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.support.LocalFauxqs;
import io.invoicestreams.adapters.support.Queues;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The seed's notifications as the seed sets them up: the service publishes to SNS topics, and the payment and alert
 * queues are subscribed to them with raw message delivery; the payment topic and its queue are FIFO, deduplicated by
 * the event id. Against fauxqs (SNS and SQS from npm, on Node 22 from npm) and the packaged service on DynamoDB
 * Local and PostgreSQL: the seed's changes give three payment messages and one alert, each once.
 */
class SnsNotificationsIT {

    private ServiceFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A topic with a queue subscribed to it, as the seed's template makes them. */
    private record Subscribed(String topicArn, String queueUrl) {
    }

    private static Subscribed subscribed(SnsClient sns, SqsClient sqs, String name, boolean fifo) {
        String suffix = fifo ? ".fifo" : "";
        Map<String, String> topicAttributes = fifo ? Map.of("FifoTopic", "true") : Map.of();
        String topic = sns.createTopic(b -> b.name(name + suffix).attributes(topicAttributes)).topicArn();
        Map<QueueAttributeName, String> queueAttributes = fifo ? Map.of(QueueAttributeName.FIFO_QUEUE, "true")
                : Map.of();
        String queue = sqs.createQueue(b -> b.queueName(name + suffix).attributes(queueAttributes)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")));
        return new Subscribed(topic, queue);
    }

    @Test
    void the_seeds_three_payments_and_one_alert_arrive_through_sns_topics_in_subscribed_queues_once_each()
            throws Exception {
        URI fauxqs = LocalFauxqs.endpoint();
        fixture = new ServiceFixture("Sns");
        try (SnsClient sns = DynamoDbClients.configure(SnsClient.builder(), Optional.of(fauxqs),
                Optional.of("us-east-1"), EndpointCredentials.LOCAL);
             SqsClient sqs = DynamoDbClients.configure(SqsClient.builder(), Optional.of(fauxqs),
                     Optional.of("us-east-1"), EndpointCredentials.LOCAL)) {
            Subscribed payments = subscribed(sns, sqs, "payments-" + fixture.run, true);
            Subscribed alerts = subscribed(sns, sqs, "alerts-" + fixture.run, false);
            fixture.settings.put("invoice.notifications.sns-endpoint", fauxqs.toString());
            fixture.settings.put("invoice.notifications.region", "us-east-1");
            fixture.settings.put("invoice.notifications.payments.target", "sns");
            fixture.settings.put("invoice.notifications.payments.topic-arn", payments.topicArn());
            fixture.settings.put("invoice.notifications.alerts.target", "sns");
            fixture.settings.put("invoice.notifications.alerts.topic-arn", alerts.topicArn());
            fixture.start();

            // The seed: five rows, one amount set to $0, one row deleted.
            for (String[] row : DemoCommand.SEED) {
                Map<String, AttributeValue> item = new LinkedHashMap<>();
                item.put("InvoiceNumber", AttributeValue.fromS(row[0]));
                item.put("TransactionIdentifier", AttributeValue.fromS(row[1]));
                item.put("Amount", AttributeValue.fromS(row[2]));
                item.put("Trans_country", AttributeValue.fromS(row[3]));
                item.put("Invoice_dt", AttributeValue.fromS(row[4]));
                item.put("InvoiceDoc", AttributeValue.fromS(DemoCommand.DOC));
                fixture.users.putItem(b -> b.tableName(fixture.table()).item(item));
            }
            Map<String, AttributeValue> zeroed = Map.of("InvoiceNumber", AttributeValue.fromS("1212123"),
                    "TransactionIdentifier", AttributeValue.fromS("Client3_trans1xxx"));
            fixture.users.updateItem(b -> b.tableName(fixture.table()).key(zeroed).updateExpression("SET Amount = :a")
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("$0"))));
            fixture.users.deleteItem(b -> b.tableName(fixture.table()).key(Map.of(
                    "InvoiceNumber", AttributeValue.fromS("1212122"),
                    "TransactionIdentifier", AttributeValue.fromS("Client2_trans1xxx"))));

            List<Message> paid = new ArrayList<>();
            List<Message> alerted = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                paid.addAll(Queues.drain(sqs, payments.queueUrl()));
                alerted.addAll(Queues.drain(sqs, alerts.queueUrl()));
                return paid.size() >= 3 && !alerted.isEmpty();
            });
            // Nothing more comes: the outbox sent each message once, and the FIFO topic would drop a repeat anyway.
            ServiceProcess.pause(Duration.ofSeconds(5));
            paid.addAll(Queues.drain(sqs, payments.queueUrl()));
            alerted.addAll(Queues.drain(sqs, alerts.queueUrl()));

            List<String> invoices = new ArrayList<>();
            for (Message message : paid) {
                var payment = ServiceChecks.JSON.readTree(message.body());
                assertThat(payment.has("Message")).as("raw delivery: the payment itself, not an SNS envelope")
                        .isFalse();
                invoices.add(payment.get("invoiceNumber").asText());
            }
            assertThat(invoices).containsExactlyInAnyOrder("1212121", "1212122", "1212123");
            assertThat(alerted).singleElement().satisfies(alert -> assertThat(alert.body())
                    .startsWith("Take immediate action for Invoice number 1212123"));
            var outbox = ServiceChecks.JSON.readTree(fixture.service().get("/admin/outbox").body());
            System.out.printf("RELIABILITY sns: %d payments and %d alert through fauxqs topics; outbox %s%n",
                    paid.size(), alerted.size(), outbox);
        }
    }
}
