package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/**
 * The console's own endpoints on in-memory ports: the pages and their redirects, the overview with what each key may
 * see, an invoice's stored history, and the retry of one dead-letter sequence; bad input is a problem+json 4xx.
 * {@code ConsoleIT} drives the pages in a browser against the packaged service.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(InMemoryPorts.Profile.class)
class ConsoleApiTest {

    @Test
    void the_root_and_console_lead_to_the_overview_page_which_loads_only_its_own_files() {
        given().redirects().follow(false).get("/").then().statusCode(302).header("Location", "/console/");
        given().redirects().follow(false).get("/console").then().statusCode(302).header("Location", "/console/");
        String page = given().get("/console/").then().statusCode(200).contentType(containsString("text/html"))
                .extract().asString();
        // No fonts, scripts or styles from elsewhere: the service may run without internet.
        org.assertj.core.api.Assertions.assertThat(page).doesNotContainPattern("(src|href)=\"(https?:)?//");
        given().get("/console/invoice.html").then().statusCode(200);
        given().get("/console/overview.js").then().statusCode(200);
    }

    @Test
    void the_overview_lists_every_read_model_and_shows_the_stream_only_to_an_admin_key() {
        given().get("/console/api/overview").then().statusCode(200)
                .body("readModels.name", hasItems("totals", "country-verification", "audit-archive", "search"))
                .body("readModels.find { it.name == 'totals' }.rebuildable", equalTo(true))
                .body("readModels.find { it.name == 'audit-archive' }.rebuildable", equalTo(false))
                .body("isAdmin", equalTo(false))
                .body("source.stream", nullValue())
                .body("source.lastError", nullValue());
        Api.admin().get("/console/api/overview").then().statusCode(200).body("isAdmin", equalTo(true));
        given().header(ApiKeyAuthentication.HEADER, Api.READ_KEY).get("/console/api/overview").then()
                .statusCode(200).body("isAdmin", equalTo(false));
    }

    @Test
    void an_invoice_history_refuses_bad_paging_and_an_unknown_invoice_with_a_problem() {
        given().get("/invoices/7300001/events").then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("invoice 7300001 has no stored event"));
        given().get("/invoices/7300001/events?limit=0").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("limit must be between 1"));
        given().get("/invoices/7300001/events?limit=1001").then().statusCode(400);
        given().get("/invoices/7300001/events?from=-1").then().statusCode(400)
                .body("detail", equalTo("from must be 0 or more, was -1"));
        given().get("/invoices/7300001/events?from=x").then().statusCode(400);
    }

    @Test
    void retrying_a_sequence_with_nothing_parked_is_a_404() {
        Api.admin().post("/admin/dlq/totals/sequences/7300002/retry").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no parked event of sequence '7300002' in totals"));
        Api.admin().post("/admin/dlq/no-such-group/sequences/7300002/retry").then().statusCode(404);
    }

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }
}
