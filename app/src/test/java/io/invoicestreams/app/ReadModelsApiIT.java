package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reporting API, the verifier administration and the rebuild endpoint on the running service. */
@QuarkusTest
class ReadModelsApiIT {

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    private void put(String invoice, String transaction, String amount, String country) {
        Api.put(dynamoDb, table, invoice, transaction, amount, country);
    }

    private void seed(String invoice) {
        put(invoice, "Client1_trans1xxxx", "$100", "USA");
        put(invoice, "Client1_trans2xxxx", "$500", "USA");
        put(invoice, "Client2_trans1xxxx", "$500", "China");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/invoices/" + invoice + "/total")
                .then().statusCode(200).body("total", equalTo(1100.0f)));
    }

    @Test
    void totals_transactions_and_country_counts_of_an_invoice() {
        seed("7000001");

        given().get("/invoices/7000001/total").then().statusCode(200)
                .body("invoiceNumber", equalTo("7000001"))
                .body("currency", equalTo("USD"))
                .body("totals", hasSize(1))
                .body("updated", notNullValue())
                .body("rebuilding", equalTo(false));
        given().get("/invoices/7000001/transactions?prefix=Client1_").then().statusCode(200)
                .body("transactions.TransactionIdentifier", equalTo(java.util.List.of("Client1_trans1xxxx",
                        "Client1_trans2xxxx")))
                .body("transactions[0].Amount", equalTo("$100"))
                .body("next", nullValue());
        String next = given().get("/invoices/7000001/transactions?limit=2").then().statusCode(200)
                .body("transactions", hasSize(2)).extract().path("next");
        given().queryParam("limit", 2).queryParam("next", next).get("/invoices/7000001/transactions").then()
                .statusCode(200).body("transactions.TransactionIdentifier", equalTo(java.util.List.of(
                        "Client2_trans1xxxx"))).body("next", nullValue());

        Api.admin().body("{\"verifier\":\"admin@com\"}").put("/invoices/7000001/countries/USA/verifier").then()
                .statusCode(200).body("changed", equalTo(true)).body("openTransactions", equalTo(2));
        Api.admin().body("{\"verifier\":\"admin@com\"}").put("/invoices/7000001/countries/USA/verifier").then()
                .statusCode(200).body("changed", equalTo(false));
        put("7000001", "Client3", "$5", "UK");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/invoices/7000001/countries")
                .then().statusCode(200)
                .body("countries", hasSize(1))
                .body("countries[0].country", equalTo("USA"))
                .body("countries[0].verifier", equalTo("admin@com"))
                .body("countries[0].totalTransactions", equalTo(2)));

        Api.admin().delete("/invoices/7000001/countries/USA/verifier").then().statusCode(200)
                .body("changed", equalTo(true));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/invoices/7000001/countries")
                .then().body("countries[0].verifier", nullValue()).body("countries[0].totalTransactions", equalTo(0)));
    }

    @Test
    void bad_input_gets_problem_json_and_unknown_things_404() {
        given().get("/invoices/bad!/total").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("InvoiceNumber 'bad!' is malformed"));
        given().queryParam("prefix", "x".repeat(1025)).get("/invoices/7000002/transactions").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("prefix must be at most 1024"));
        given().get("/invoices/7000002/transactions?limit=-1").then().statusCode(400)
                .body("detail", equalTo("limit must be between 1 and 1000, was -1"));
        given().get("/invoices/7000002/transactions?next=garbage").then().statusCode(400)
                .body("detail", equalTo("next is not a page token of this API"));
        given().get("/invoices/7000002/total").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("invoice 7000002 has no total"));
        Api.admin().delete("/invoices/7000002/countries/USA/verifier").then().statusCode(404)
                .contentType("application/problem+json");
        Api.admin().body("{\"verifier\":").put("/invoices/7000002/countries/USA/verifier").then().statusCode(400)
                .body("detail", containsString("not JSON"));
        Api.admin().body("{\"who\":\"me\"}").put("/invoices/7000002/countries/USA/verifier").then().statusCode(400)
                .body("detail", containsString("needs a text field \"verifier\""));
        Api.admin().body("{\"verifier\":\"a@b\"}").put("/invoices/7000002/countries/U%0AS/verifier").then()
                .statusCode(400).body("detail", containsString("Trans_country"));
        Api.admin().post("/admin/projections/nope/rebuild").then().statusCode(404)
                .body("detail", containsString("no read model named 'nope'"));
    }

    @Test
    void projections_report_their_position_and_a_rebuild_replays_into_an_equal_read_model() {
        seed("7000003");
        Api.admin().body("{\"verifier\":\"admin@com\"}").put("/invoices/7000003/countries/USA/verifier").then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/invoices/7000003/countries")
                .then().body("countries[0].totalTransactions", equalTo(2)));

        given().get("/projections").then().statusCode(200)
                .body("head", notNullValue())
                .body("projections.name", hasItems("totals", "country-verification"))
                .body("projections.find { it.name == 'totals' }.running", equalTo(true))
                .body("projections.find { it.name == 'totals' }.segments", hasSize(4));

        Api.admin().post("/admin/projections/totals/rebuild").then().statusCode(202)
                .header("Location", containsString("/projections"))
                .body("name", equalTo("totals")).body("state", equalTo("REQUESTED"));
        Api.admin().post("/admin/projections/country-verification/rebuild").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/projections").then()
                .body("rebuilds.find { it.name == 'totals' }.state", equalTo("DONE"))
                .body("rebuilds.find { it.name == 'country-verification' }.state", equalTo("DONE"))
                .body("rebuilds.find { it.name == 'totals' }.events", greaterThan(0))
                .body("projections.find { it.name == 'totals' }.running", equalTo(true))
                .body("projections.find { it.name == 'totals' }.replaying", equalTo(false))
                .body("projections.find { it.name == 'totals' }.lag", equalTo(0))
                .body("projections.find { it.name == 'country-verification' }.replaying", equalTo(false))
                .body("projections.find { it.name == 'country-verification' }.lag", equalTo(0)));
        given().get("/invoices/7000003/total").then().statusCode(200).body("total", equalTo(1100.0f));
        given().get("/invoices/7000003/countries").then().body("countries[0].totalTransactions", equalTo(2))
                .body("countries[0].verifier", equalTo("admin@com"));
    }
}
