package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The running service on its embedded parts: DynamoDB Local as a child JVM and H2. */
@QuarkusTest
class ServiceIT {

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    @Inject
    io.invoicestreams.adapters.eventstore.InvoiceEventStore store;

    @Inject
    ParkedCommand parkedCommand;

    private int parked(java.io.ByteArrayOutputStream out, String... args) {
        return parkedCommand.run(ParkedCommand.parse(args), new java.io.PrintStream(out, true,
                java.nio.charset.StandardCharsets.UTF_8), new java.io.PrintStream(out, true,
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private void put(String invoice, String transaction, String amount) {
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction),
                "Amount", AttributeValue.fromS(amount),
                "Trans_country", AttributeValue.fromS("USA"),
                "InvoiceDoc", AttributeValue.fromS(DemoCommand.DOC))));
    }

    @Test
    void a_table_change_becomes_an_event_within_a_second_and_the_service_is_ready() {
        long head = store.headIndex();
        put("9000001", "T1", "USD 12");
        await().atMost(Duration.ofSeconds(5)).until(() -> store.headIndex() > head);
        assertThat(store.readAfter(head)).hasSize(1);
        InvoiceEvent stored = (InvoiceEvent) store.readAfter(head).getFirst().getPayload();
        assertThat(stored).isInstanceOfSatisfying(InvoiceEvent.TransactionRecorded.class, r -> {
            assertThat(r.invoiceNumber().value()).isEqualTo("9000001");
            assertThat(r.amount()).hasToString("12.00 USD");
            assertThat(r.document().vendorName()).contains("Vendor1 Inc");
        });
        assertThat(store.readAfter(head).getFirst().getMetaData()).as("tracing is off by default: no span context")
                .isEmpty();

        // Anyone learns UP or DOWN; the stream's ARN (the account id) only with an admin key.
        String open = given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'stream-and-store' }.data.ownedShards",
                        org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .extract().asString();
        assertThat(open).doesNotContain("arn:aws:dynamodb").doesNotContain("lastError");
        given().get("/admin/health").then().statusCode(401);
        Api.admin().get("/admin/health").then().statusCode(200).body("up", equalTo(true))
                .body("stream", org.hamcrest.Matchers.startsWith("arn:aws:dynamodb:"))
                .body("storeReachable", equalTo(true));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("invoice_events_stored_total"))
                .body(containsString("invoice_stream_lag_seconds{shard=\"shardId-"))
                .body(containsString("invoice_stream_lag_max_seconds"))
                .body(containsString("invoice_stream_trimmed_data_total"));
    }

    @Test
    void a_bad_record_is_parked_and_listed_and_the_stream_goes_on() {
        put("9000002", "Bad", "twelve dollars");
        put("9000002", "Good", "$12");
        await().atMost(Duration.ofSeconds(5)).until(() -> store.readAll().stream()
                .anyMatch(e -> e.getPayload() instanceof InvoiceEvent ie && ie.transactionId().value().equals("Good")));
        Api.admin().get("/admin/parked").then().statusCode(200)
                .body("records.find { it.rawRecord.contains('twelve dollars') }.reason",
                        equalTo("Amount 'twelve dollars' is not valid money: it is not a number with an optional"
                                + " currency symbol or code"));
        String eventId = Api.admin().get("/admin/parked").then().extract()
                .path("records.find { it.rawRecord.contains('twelve dollars') }.eventId");

        // Re-driven as it is, it is parked again with today's reason; nothing is lost.
        Api.admin().post("/admin/parked/" + eventId + "/redrive").then().statusCode(200)
                .body("outcome", equalTo("parked-again")).body("reason", containsString("twelve dollars"));
        Api.admin().get("/admin/parked").then().body("records.eventId", org.hamcrest.Matchers.hasItem(eventId));
        // The same from the command line.
        java.io.ByteArrayOutputStream cli = new java.io.ByteArrayOutputStream();
        assertThat(parked(cli, "parked", "list")).isZero();
        assertThat(cli.toString(java.nio.charset.StandardCharsets.UTF_8)).contains(eventId).contains("twelve dollars");
        cli.reset();
        assertThat(parked(cli, "parked", "redrive", eventId)).as("parked again: exit 1").isEqualTo(1);
        assertThat(cli.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("parked-again");

        // The user corrects the item; the stream brings the fix. The old record still cannot be read, so the
        // operator drops it.
        put("9000002", "Bad", "$13");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/invoices/9000002/total").then()
                .statusCode(200).body("total", equalTo(25.0f)));
        Api.admin().post("/admin/parked/" + eventId + "/redrive").then().statusCode(200)
                .body("outcome", equalTo("parked-again"));
        Api.admin().delete("/admin/parked/" + eventId).then().statusCode(204);
        Api.admin().get("/admin/parked").then()
                .body("records.eventId", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(eventId)));
        Api.admin().post("/admin/parked/" + eventId + "/redrive").then().statusCode(404)
                .contentType("application/problem+json");
        Api.admin().delete("/admin/parked/" + eventId).then().statusCode(404);
        cli.reset();
        assertThat(parked(cli, "parked", "drop", eventId)).isEqualTo(1);
        assertThat(cli.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("no parked record with event id");
        given().post("/admin/parked/redrive").then().statusCode(401);
    }

    @Test
    void every_change_reaches_the_audit_archive_within_the_test_buffer_interval() throws Exception {
        String transaction = "Archived-" + java.util.UUID.randomUUID();
        put("9000003", transaction, "$7");
        java.nio.file.Path folder = java.nio.file.Path.of("target/test-data/archive/Invoice");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            if (!java.nio.file.Files.isDirectory(folder)) {
                return false;
            }
            try (var files = java.nio.file.Files.walk(folder)) {
                return files.filter(p -> p.toString().endsWith(".json.gz")).anyMatch(p -> mentions(p, transaction));
            } catch (java.io.UncheckedIOException e) {
                // The flusher renamed its temporary file while the walk listed the folder: look again.
                if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                    return false;
                }
                throw e;
            }
        });
    }

    private static boolean mentions(java.nio.file.Path gz, String transaction) {
        try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("\"transactionId\":\"" + transaction + "\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void bad_query_parameters_get_problem_json() {
        Api.admin().get("/admin/parked?limit=5000").then().statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Bad request"))
                .body("detail", equalTo("limit must be between 1 and 1000, was 5000"));
        Api.admin().get("/admin/parked?offset=abc").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("offset must be a whole number, was 'abc'"));
        given().get("/no/such/path").then().statusCode(404).contentType("application/problem+json");
    }
}
