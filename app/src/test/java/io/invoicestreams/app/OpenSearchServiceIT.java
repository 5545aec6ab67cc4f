package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.invoicestreams.adapters.support.LocalOpenSearch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The whole service with its search index on a real OpenSearch node: a table change is searchable through /search. */
@QuarkusTest
@TestProfile(OpenSearchServiceIT.OnOpenSearch.class)
class OpenSearchServiceIT {

    /** Search on OpenSearch under an alias of its own, with its own event store and data folder. */
    public static class OnOpenSearch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("invoice.search.engine", "opensearch",
                    "invoice.search.opensearch.endpoint", LocalOpenSearch.endpoint().toString(),
                    "invoice.search.opensearch.index", "service-" + UUID.randomUUID().toString().substring(0, 8),
                    "invoice.data-dir", "target/test-data-opensearch",
                    "invoice.store.url", "jdbc:h2:mem:app-test-opensearch;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        }
    }

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    @Test
    void a_table_change_is_found_through_the_search_api() {
        String item = "sprocket" + UUID.randomUUID().toString().substring(0, 8);
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS("7200001"),
                "TransactionIdentifier", AttributeValue.fromS("T1"),
                "Amount", AttributeValue.fromS("$42"),
                "Trans_country", AttributeValue.fromS("UK"),
                "InvoiceDoc", AttributeValue.fromS("{\"Vendor Name\":\"Remote Vendor\",\"ItemsDesc\":[{\"" + item
                        + "\":{\"Quantity\":7}}]}"))));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("q", item)
                .queryParam("country", "uk").get("/search").then().statusCode(200)
                .body("total", equalTo(1))
                .body("hits[0].id", equalTo("7200001|T1"))
                .body("hits[0].items", hasItem(item + ": 7"))
                .body("facets.vendor.'Remote Vendor'", equalTo(1)));
        given().queryParam("q", "vendor:(remote").get("/search").then().statusCode(400);
    }
}
