package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** GET /search on the running service, fed by the stream; its errors; and its rebuild with the index swap. */
@QuarkusTest
class SearchApiIT {

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    private void put(String invoice, String transaction, String vendor, String item) {
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction),
                "Amount", AttributeValue.fromS("$250"),
                "Trans_country", AttributeValue.fromS("USA"),
                "InvoiceDoc", AttributeValue.fromS("{\"Vendor Name\":\"" + vendor + "\",\"ItemsDesc\":[{\"" + item
                        + "\":{\"Quantity\":3}}]}"))));
    }

    @Test
    void a_changed_document_is_found_by_its_words_with_facets_and_highlights() {
        String item = "gadget" + UUID.randomUUID().toString().substring(0, 8);
        String transaction = "T-" + item; // unique: the index folder outlives the test's in-memory event store
        put("7100001", transaction, "Searchable Vendor", item);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("q", item).get("/search")
                .then().statusCode(200)
                .body("total", equalTo(1))
                .body("hits[0].id", equalTo("7100001|" + transaction))
                .body("hits[0].items", hasItem(item + ": 3"))
                .body("hits[0].highlights[0]", containsString("<b>" + item + "</b>"))
                .body("facets.vendor.'Searchable Vendor'", equalTo(1)));
        given().queryParam("q", "vendor:searchable").queryParam("item", item).queryParam("minQuantity", "3")
                .get("/search").then().statusCode(200).body("total", equalTo(1));
        given().queryParam("q", "vendor:searchable").queryParam("item", item).queryParam("minQuantity", "4")
                .get("/search").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void a_query_the_parser_cannot_read_and_bad_filters_get_problem_json() {
        given().queryParam("q", "laptops AND (desktops").get("/search").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("Cannot parse"));
        given().queryParam("minAmount", "ten").get("/search").then().statusCode(400)
                .body("detail", equalTo("minAmount must be a number such as 100 or 99.50, was 'ten'"));
        given().queryParam("limit", "500").get("/search").then().statusCode(400)
                .body("detail", equalTo("limit must be between 1 and 100, was 500"));
        given().queryParam("minQuantity", "2").get("/search").then().statusCode(400)
                .body("detail", equalTo("minQuantity needs item, the item it counts"));
    }

    @Test
    void a_rebuild_swaps_in_a_new_index_that_finds_the_same_documents() throws java.io.IOException {
        String item = "widget" + UUID.randomUUID().toString().substring(0, 8);
        put("7100002", "T-" + item, "Rebuild Vendor", item);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("q", item).get("/search")
                .then().body("total", equalTo(1)));

        java.nio.file.Path alias = java.nio.file.Path.of("target/test-data/search/current");
        String before = java.nio.file.Files.readString(alias);

        Api.admin().post("/admin/projections/search/rebuild").then().statusCode(202);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            given().queryParam("q", item).get("/search").then().statusCode(200).body("rebuilding", equalTo(false))
                    .body("total", equalTo(1));
            org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readString(alias)).isNotEqualTo(before);
        });
        // Folded from the history and written into the new generation at once, not replayed into it (issue 15).
        given().get("/projections").then().statusCode(200)
                .body("rebuilds.find { it.name == 'search' }.state", equalTo("DONE"))
                .body("rebuilds.find { it.name == 'search' }.events", org.hamcrest.Matchers.greaterThan(0));
    }
}
