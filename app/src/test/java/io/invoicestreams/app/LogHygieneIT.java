package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the service logs while it handles a change, a verifier and admin calls: never the API keys, and no amount,
 * email or document at INFO. The test profile writes the log to a file, which this test reads back.
 */
@QuarkusTest
class LogHygieneIT {

    private static final Path LOG = Path.of("target/test-data/quarkus.log");

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    @Test
    void secrets_amounts_emails_and_documents_stay_out_of_the_log() throws Exception {
        String invoice = "7300001";
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS("LogCheck_trans1"),
                "Amount", AttributeValue.fromS("$98765.43"),
                "Trans_country", AttributeValue.fromS("USA"),
                "InvoiceDoc", AttributeValue.fromS("{\"Vendor Name\":\"Zyxwvut Confidential Ltd\"}"))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                Api.admin().get("/invoices/" + invoice + "/total").then().statusCode(200));
        Api.admin().body("{\"verifier\":\"secret.person@example.org\"}")
                .put("/invoices/" + invoice + "/countries/USA/verifier").then().statusCode(200);
        Api.admin().get("/admin/parked").then().statusCode(200);
        io.restassured.RestAssured.given().header(ApiKeyAuthentication.HEADER, "a-wrong-key-0123456789")
                .get("/admin/parked").then().statusCode(401);

        List<String> lines = Files.readAllLines(LOG);
        assertThat(lines).as("the log file is written").isNotEmpty();
        for (String secret : List.of(Api.ADMIN_KEY, Api.READ_KEY, "a-wrong-key-0123456789")) {
            assertThat(lines).noneMatch(line -> line.contains(secret));
        }
        List<String> info = lines.stream().filter(line -> line.contains(" INFO ")).toList();
        assertThat(info).as("INFO lines of a running service").isNotEmpty();
        for (String personal : List.of("98765", "Zyxwvut", "secret.person@example.org")) {
            assertThat(info).noneMatch(line -> line.contains(personal));
        }
    }
}
