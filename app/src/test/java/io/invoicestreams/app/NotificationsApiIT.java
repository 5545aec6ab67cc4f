package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.notifications.SqsChannel;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Notifications in the running service: changes in the table become payment messages and alerts on the embedded
 * SQS (ElasticMQ), read back over the SQS protocol; a refused publish is parked and delivered by the retry.
 */
@QuarkusTest
class NotificationsApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    @Inject
    io.invoicestreams.app.notifications.NotificationsAssembly.Channels channels;

    @Inject
    DlqCommand dlq;

    private static String newInvoice() {
        return Long.toString(8_000_000 + ThreadLocalRandom.current().nextInt(1_000_000));
    }

    private void put(String invoice, String transaction, String amount) {
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction),
                "Amount", AttributeValue.fromS(amount),
                "Trans_country", AttributeValue.fromS("USA"))));
    }

    /** The messages of the queue that concern the invoices; they are deleted, the others are left visible again. */
    private List<Message> receive(String channel, List<String> invoices) {
        String url = channels.queueUrl(channel).orElseThrow();
        List<Message> mine = new ArrayList<>();
        List<Message> batch;
        do {
            batch = channels.sqs().orElseThrow().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(0).messageAttributeNames("All")).messages();
            for (Message m : batch) {
                if (invoices.contains(m.messageAttributes().get("invoiceNumber").stringValue())) {
                    mine.add(m);
                    channels.sqs().orElseThrow().deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
            }
        } while (batch.stream().anyMatch(m -> invoices.contains(m.messageAttributes().get("invoiceNumber")
                .stringValue())));
        return mine;
    }

    private static JsonNode json(Message message) {
        try {
            return JSON.readTree(message.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void new_invoices_send_one_payment_message_each_and_a_zero_amount_one_alert() {
        String first = newInvoice();
        String second = newInvoice();
        put(first, "A-1", "$100");
        put(first, "A-2", "$500");
        put(second, "B-1", "$200");
        dynamoDb.updateItem(b -> b.tableName(table.tableName())
                .key(Map.of("InvoiceNumber", AttributeValue.fromS(first),
                        "TransactionIdentifier", AttributeValue.fromS("A-2")))
                .updateExpression("SET Amount = :a").expressionAttributeValues(Map.of(":a", AttributeValue.fromS("$0"))));

        List<Message> payments = new ArrayList<>();
        List<Message> alerts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            payments.addAll(receive("payments", List.of(first, second)));
            alerts.addAll(receive("alerts", List.of(first, second)));
            return payments.size() >= 2 && !alerts.isEmpty();
        });
        // Whatever else would come has had the time to come.
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        payments.addAll(receive("payments", List.of(first, second)));
        alerts.addAll(receive("alerts", List.of(first, second)));

        assertThat(payments).extracting(m -> json(m).get("invoiceNumber").asText() + "/"
                        + json(m).get("transactionId").asText() + "/" + json(m).get("amount").asText())
                .containsExactlyInAnyOrder(first + "/A-1/100.00", second + "/B-1/200.00");
        assertThat(alerts).singleElement().extracting(Message::body).asString()
                .startsWith("Take immediate action for Invoice number " + first + " as zero value is reported in the"
                        + " InvoiceTransactions table as on ");
    }

    @Test
    void a_refused_payment_waits_in_the_outbox_is_shown_and_goes_out_once_when_the_queue_is_back() {
        String url = channels.queueUrl("payments").orElseThrow();
        String name = url.substring(url.lastIndexOf('/') + 1);
        String invoice = newInvoice();
        channels.sqs().orElseThrow().deleteQueue(b -> b.queueUrl(url));
        try {
            put(invoice, "P-1", "$70");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.admin().get("/admin/outbox")
                    .then().statusCode(200)
                    .body("messages.find { it.invoiceNumber == '" + invoice + "' }.channel", equalTo("payments"))
                    .body("messages.find { it.invoiceNumber == '" + invoice + "' }.type", equalTo("new-invoice"))
                    .body("messages.find { it.invoiceNumber == '" + invoice + "' }.attempts",
                            org.hamcrest.Matchers.greaterThanOrEqualTo(2))
                    .body("messages.find { it.invoiceNumber == '" + invoice + "' }.lastError",
                            org.hamcrest.Matchers.containsString("QueueDoesNotExistException"))
                    .body("backlog.payments.failing", org.hamcrest.Matchers.greaterThanOrEqualTo(1)));
            given().get("/projections").then().statusCode(200)
                    .body("outbox.payments.unsent", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                    .body("deadLetters.notifications", equalTo(0));
            given().get("/admin/outbox").then().statusCode(401);
        } finally {
            assertThat(SqsChannel.createQueue(channels.sqs().orElseThrow(), name)).isEqualTo(url);
        }
        // An operator's retry sends it now instead of after its backoff; it goes out once.
        Api.admin().post("/admin/outbox/retry").then().statusCode(200)
                .body("messages", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.admin().get("/admin/outbox")
                .then().statusCode(200).body("messages.invoiceNumber", org.hamcrest.Matchers.not(hasItem(invoice))));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(receive("payments", List.of(invoice))).extracting(m -> json(m).get("transactionId").asText())
                .containsExactly("P-1");
        given().get("/projections").then().body("deadLetters.notifications", equalTo(0));
    }

    @Test
    void dead_letter_endpoints_answer_problem_json_for_unknown_groups_and_letters() {
        // Every processing group has a dead-letter queue (ADR 0014); an unknown group is a 404 that lists them.
        Api.admin().get("/admin/dlq/totals").then().statusCode(200).body("processingGroup", equalTo("totals"));
        Api.admin().get("/admin/dlq/no-such-group").then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("processing group 'no-such-group' has no dead-letter queue; groups with one:"
                        + " [totals, country-verification, audit-archive, search, notifications]"));
        Api.admin().delete("/admin/dlq/notifications/no-such-letter").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no parked event with id 'no-such-letter' in notifications"));
        Api.admin().post("/admin/dlq/notifications/retry").then().statusCode(200)
                .body("processingGroup", equalTo("notifications"));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = dlq.run(DlqCommand.parse(new String[]{"dlq", "list", "no-such-group"}), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("invoice-streams: dlq: processing group"
                + " 'no-such-group' has no dead-letter queue; groups with one: [totals, country-verification,"
                + " audit-archive, search, notifications]" + System.lineSeparator());
    }
}
