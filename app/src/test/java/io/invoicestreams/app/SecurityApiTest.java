package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Who may call what, with the test profile's keys: admin endpoints need an admin key, given as X-API-Key or as
 * HTTP Basic; a read key is refused there; reads are open. Every refusal is problem+json with a challenge.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(InMemoryPorts.Profile.class)
class SecurityApiTest {

    private static final String[] ADMIN_GETS = {"/admin/parked", "/admin/dlq/totals", "/admin/health", "/admin/outbox"};

    private static String basic(String name, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void admin_endpoints_refuse_a_caller_without_a_key_with_a_challenge() {
        for (String path : ADMIN_GETS) {
            given().get(path).then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Basic realm=\"invoice-streams\""))
                    .body("detail", containsString("needs an API key"));
        }
        given().post("/admin/projections/totals/rebuild").then().statusCode(401);
        given().post("/admin/dlq/totals/retry").then().statusCode(401);
        given().delete("/admin/dlq/totals/some-id").then().statusCode(401);
        given().post("/admin/dlq/totals/sequences/7199998/retry").then().statusCode(401);
        given().header(ApiKeyAuthentication.HEADER, Api.READ_KEY).post("/admin/dlq/totals/sequences/7199998/retry")
                .then().statusCode(403);
        given().body("{\"verifier\":\"a@b.com\"}").put("/invoices/7199998/countries/USA/verifier").then()
                .statusCode(401);
        given().delete("/invoices/7199998/countries/USA/verifier").then().statusCode(401);
    }

    @Test
    void a_wrong_key_is_refused_whichever_way_it_comes() {
        given().header(ApiKeyAuthentication.HEADER, "not-the-key-0123456789").get("/admin/parked").then()
                .statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("not valid"));
        given().header("Authorization", basic("tests", "not-the-key-0123456789")).get("/admin/parked").then()
                .statusCode(401);
        // the right secret under another holder's name is wrong too
        given().header("Authorization", basic("viewer", Api.ADMIN_KEY)).get("/admin/parked").then().statusCode(401);
        given().header("Authorization", "Basic %%%").get("/admin/parked").then().statusCode(401)
                .contentType("application/problem+json");
        // a wrong key on an open read is refused as well, rather than read as anonymous
        given().header(ApiKeyAuthentication.HEADER, "not-the-key-0123456789").get("/projections").then()
                .statusCode(401);
    }

    @Test
    void a_read_key_may_read_but_not_administer() {
        given().header(ApiKeyAuthentication.HEADER, Api.READ_KEY).get("/admin/parked").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("admin key"));
        given().header(ApiKeyAuthentication.HEADER, Api.READ_KEY).get("/projections").then().statusCode(200);
    }

    @Test
    void an_admin_key_works_as_header_and_as_basic() {
        Api.admin().get("/admin/parked").then().statusCode(200);
        given().header("Authorization", basic("tests", Api.ADMIN_KEY)).get("/admin/parked").then().statusCode(200);
        given().header("Authorization", basic("tests", Api.ADMIN_KEY)).get("/admin/dlq/totals").then()
                .statusCode(200).body("processingGroup", equalTo("totals"));
    }

    @Test
    void reads_are_open_by_default_and_health_and_metrics_always() {
        given().get("/projections").then().statusCode(200);
        given().get("/invoices/7199999/total").then().statusCode(404).contentType("application/problem+json");
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
