package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The service with {@code invoice.read-models.rebuild.into=shadow} (issue 15, ADR 0022): a rebuild asked over REST fills
 * a fresh table per read model and points the read model at it; the read endpoints and the live path follow the
 * pointer; the next rebuild deletes the configured table, two generations back.
 */
@QuarkusTest
@TestProfile(ShadowRebuildIT.Shadow.class)
class ShadowRebuildIT {

    static final String TOTALS = "ShadowInvoiceTotal";
    static final String COUNTS = "ShadowInvoiceAction";
    static final String POINTERS = "ShadowGenerations";

    public static class Shadow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("invoice.read-models.rebuild.into", "shadow",
                    "invoice.read-models.rebuild.generations-table", POINTERS,
                    "invoice.read-models.totals.table", TOTALS,
                    "invoice.read-models.country-verification.table", COUNTS,
                    "invoice.data-dir", "target/test-data-shadow",
                    "invoice.store.url", "jdbc:h2:mem:app-test-shadow;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        }
    }

    @Inject
    DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    private void put(String invoice, String transaction, String amount, String country) {
        Api.put(dynamoDb, table, invoice, transaction, amount, country);
    }

    /** The table the read model's pointer names, read straight from DynamoDB. */
    private String pointer(String readModelTable) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(POINTERS).consistentRead(true)
                .key(Map.of("ReadModelTable", AttributeValue.fromS(readModelTable)))).item();
        return item == null || item.isEmpty() ? readModelTable : item.get("Table").s();
    }

    private boolean exists(String name) {
        try {
            dynamoDb.describeTable(b -> b.tableName(name));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    /** The invoice's total as the table holds it. */
    private java.math.BigDecimal total(String name, String invoice) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(name).consistentRead(true)
                .key(Map.of("InvoiceNumber", AttributeValue.fromS(invoice)))).item();
        assertThat(item).as(invoice + " in " + name).containsKey("Total");
        return new java.math.BigDecimal(item.get("Total").n());
    }

    private void rebuild(String model) {
        String asked = Api.admin().post("/admin/projections/" + model + "/rebuild").then().statusCode(202)
                .extract().path("requested");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/projections").then()
                .body("rebuilds.find { it.name == '" + model + "' }.requested", equalTo(asked))
                .body("rebuilds.find { it.name == '" + model + "' }.state", equalTo("DONE")));
    }

    @Test
    void a_rebuild_points_each_read_model_at_a_fresh_table_that_reads_and_live_writes_follow() {
        put("7300001", "T1", "$100", "USA");
        put("7300001", "T2", "$500", "USA");
        Api.admin().body("{\"verifier\":\"admin@com\"}").put("/invoices/7300001/countries/USA/verifier").then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            given().get("/invoices/7300001/total").then().statusCode(200).body("total", equalTo(600.0f));
            given().get("/invoices/7300001/countries").then().body("countries[0].totalTransactions", equalTo(2));
        });
        assertThat(pointer(TOTALS)).isEqualTo(TOTALS);

        rebuild("totals");
        rebuild("country-verification");

        String totals = pointer(TOTALS);
        String counts = pointer(COUNTS);
        assertThat(totals).startsWith(TOTALS + "-g2-");
        assertThat(counts).startsWith(COUNTS + "-g2-");
        assertThat(total(totals, "7300001")).isEqualByComparingTo("600");
        given().get("/invoices/7300001/countries").then().body("countries[0].totalTransactions", equalTo(2));

        // The live path writes into the new generation; the configured table keeps the value it had.
        put("7300001", "T3", "$7", "USA");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            given().get("/invoices/7300001/total").then().body("total", equalTo(607.0f));
            given().get("/invoices/7300001/countries").then().body("countries[0].totalTransactions", equalTo(3));
        });
        assertThat(total(totals, "7300001")).isEqualByComparingTo("607");
        assertThat(total(TOTALS, "7300001")).isEqualByComparingTo("600");

        rebuild("totals");
        String third = pointer(TOTALS);
        assertThat(third).startsWith(TOTALS + "-g3-");
        // DeleteTable is asynchronous: the table is DELETING for a moment.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(exists(TOTALS))
                .as("two generations back").isFalse());
        assertThat(exists(totals)).as("the previous generation").isTrue();
        assertThat(total(third, "7300001")).isEqualByComparingTo("607");
        given().get("/invoices/7300001/total").then().statusCode(200).body("total", equalTo(607.0f));
    }
}
