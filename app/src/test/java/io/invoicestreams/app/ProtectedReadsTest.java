package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With invoice.security.protect-reads, the read endpoints need a key too; health stays open for the platform. */
@QuarkusTest
@TestProfile(ProtectedReadsTest.ProtectReads.class)
class ProtectedReadsTest {

    public static class ProtectReads extends InMemoryPorts.Profile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new java.util.HashMap<>(super.getConfigOverrides());
            overrides.put("invoice.security.protect-reads", "true");
            // Two keys under their names of the last release: this profile also shows they still reach the service.
            overrides.put("invoice.projections.totals-write-concurrency", "3");
            overrides.put("invoice.stream.max-error-backoff", "7s");
            overrides.put("invoice.source.dynamodb-streams.max-shard-workers", "5");
            return overrides;
        }
    }

    @jakarta.inject.Inject
    io.invoicestreams.app.totals.TotalsConfig totals;

    @jakarta.inject.Inject
    io.invoicestreams.app.source.StreamConfig stream;

    @Test
    void keys_renamed_by_the_grouping_by_feature_still_reach_the_service_under_their_old_names() {
        assertThat(totals.writeConcurrency()).isEqualTo(3);
        assertThat(stream.maxErrorBackoff()).isEqualTo(java.time.Duration.ofSeconds(7));
        assertThat(stream.maxShards()).contains(5);
    }

    @Test
    void reads_need_a_read_or_admin_key() {
        for (String path : new String[] {"/projections", "/invoices/7200001/total", "/invoices/7200001/transactions",
                "/invoices/7200001/countries", "/search?q=laptops", "/analytics/run-rate?days=7", "/invoices/7200001/events",
                "/console/api/overview"}) {
            given().get(path).then().statusCode(401).contentType("application/problem+json");
        }
        given().header(ApiKeyAuthentication.HEADER, Api.READ_KEY).get("/projections").then().statusCode(200);
        Api.admin().get("/projections").then().statusCode(200);
        given().header(ApiKeyAuthentication.HEADER, Api.READ_KEY).get("/invoices/7200001/total").then()
                .statusCode(404);
        given().get("/q/health/live").then().statusCode(200);
        // The console's pages hold no data: they load, and ask for the key when their first read is refused.
        given().get("/console/").then().statusCode(200).contentType(containsString("text/html"));
    }
}
