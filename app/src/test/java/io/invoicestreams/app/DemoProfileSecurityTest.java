package io.invoicestreams.app;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo profile switches the checks off, and only that: admin endpoints answer without a key. */
@QuarkusTest
@TestProfile(DemoProfileSecurityTest.Demo.class)
class DemoProfileSecurityTest {

    /** The demo profile's one security setting, on top of the test profile's ports and folders. */
    public static class Demo extends InMemoryPorts.Profile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new java.util.HashMap<>(super.getConfigOverrides());
            overrides.put("invoice.security.enabled", "false");
            return overrides;
        }
    }

    @Test
    void admin_endpoints_answer_without_a_key() {
        given().get("/admin/parked").then().statusCode(200);
        given().get("/admin/dlq/totals").then().statusCode(200);
    }
}
