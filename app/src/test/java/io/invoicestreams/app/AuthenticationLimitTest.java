package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: failed authentications are logged without the key and limited per client address. After three wrong
 * keys in a minute, the fourth request from the same address gets 429 with Retry-After, whatever key it brings,
 * without the key being checked.
 */
@QuarkusTest
@TestProfile(AuthenticationLimitTest.ThreeFailures.class)
class AuthenticationLimitTest {

    public static class ThreeFailures extends InMemoryPorts.Profile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("invoice.security.max-failures-per-minute", "3");
            return overrides;
        }
    }

    @Test
    void a_client_that_keeps_failing_gets_429_and_the_log_never_holds_its_keys() throws Exception {
        Api.admin().get("/admin/parked").then().statusCode(200);
        String[] wrong = {"guess-one-0123456789abc", "guess-two-0123456789abc", "guess-three-0123456789ab"};
        for (String key : wrong) {
            given().header(ApiKeyAuthentication.HEADER, key).get("/admin/parked").then().statusCode(401);
        }
        given().header(ApiKeyAuthentication.HEADER, "guess-four-0123456789ab").get("/admin/parked").then()
                .statusCode(429).contentType("application/problem+json")
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]?"))
                .body("detail", containsString("too many failed authentications"));
        // Refused before its key is looked at: the right key from this address waits out the minute too.
        Api.admin().get("/admin/parked").then().statusCode(429);
        // A request without a key is not an authentication: open reads still answer.
        given().get("/projections").then().statusCode(200);

        String log = Files.readString(Path.of("target/test-data/quarkus.log"));
        assertThat(log).contains("Refused an API key from 127.0.0.1 on GET /admin/parked");
        for (String key : wrong) {
            assertThat(log).doesNotContain(key);
        }
        assertThat(log).doesNotContain("guess-four");
    }
}
