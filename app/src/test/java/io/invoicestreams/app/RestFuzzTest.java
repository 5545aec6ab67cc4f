package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint against hostile and malformed input: path injection, wrong types, huge values, Lucene and SQL
 * injection, malformed and oversized bodies, unknown fields. The service answers each with a status below 500; an
 * error is problem+json with a detail, never a stack trace.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(InMemoryPorts.Profile.class)
class RestFuzzTest {

    /** Values that have broken services before: traversal, control characters, injection, size, odd numbers. */
    private static final List<String> HOSTILE = List.of("", " ", "../../etc/passwd", "..%2F..%2Fetc", "%00", "\u0000",
            "a\nb", "'; DROP TABLE archive; --", "' OR '1'='1", "<script>alert(1)</script>", "${jndi:ldap://x/a}",
            "-1", "0", "99999999999999999999999", "1e308", "NaN", "abc", "\u202e\u0645\u0631\u062d\u0628\u0627",
            "x".repeat(5_000), "*", "*:*", "invoice:* OR 1", "field:[a TO", "((((", "\\", "\"unclosed", "~1",
            "/", "?", "#", "%", "+", "2026-13-45", "2026-02-30", "9999-99-99T99:99");

    /** Endpoints with their parameters, and the value each gets when another one is fuzzed. */
    private static final Map<String, Map<String, String>> READS = new LinkedHashMap<>();

    static {
        READS.put("/invoices/{invoice}/transactions", Map.of("limit", "10", "prefix", "C", "next", ""));
        READS.put("/invoices/{invoice}/total", Map.of());
        READS.put("/invoices/{invoice}/countries", Map.of());
        READS.put("/search", Map.of("q", "laptops", "country", "USA", "minAmount", "1", "maxAmount", "9",
                "invoice", "1212121", "item", "printer", "minQuantity", "1", "limit", "5", "next", ""));
        READS.put("/analytics/daily", Map.of("from", "2026-01-01", "to", "2026-01-02"));
        READS.put("/analytics/run-rate", Map.of("days", "7"));
        READS.put("/admin/parked", Map.of("offset", "0", "limit", "10"));
        READS.put("/admin/dlq/{group}", Map.of());
        READS.put("/projections", Map.of());
    }

    private final List<String> failures = new ArrayList<>();
    private final Map<Integer, Integer> statuses = new java.util.TreeMap<>();

    @org.junit.jupiter.api.AfterEach
    void report(org.junit.jupiter.api.TestInfo test) {
        System.out.printf("RELIABILITY fuzz %s: %d requests, statuses %s%n", test.getDisplayName(),
                statuses.values().stream().mapToInt(Integer::intValue).sum(), statuses);
    }

    private void check(String what, Response response) {
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        String body = response.asString();
        if (status >= 500) {
            failures.add(what + " -> " + status + " " + abbreviate(body));
        } else if (status >= 400) {
            String type = String.valueOf(response.contentType());
            if (!type.startsWith("application/problem+json") || !body.contains("\"detail\"")) {
                failures.add(what + " -> " + status + " not problem+json: " + type + " " + abbreviate(body));
            }
        }
        if (body.contains("\tat ") || body.contains("Exception:") || body.contains(".java:")) {
            failures.add(what + " -> " + status + " shows internals: " + abbreviate(body));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static String path(String template, String value) {
        return template.replace("{invoice}", value).replace("{group}", value);
    }

    @Test
    void every_read_endpoint_answers_hostile_parameters_with_a_status_below_500() {
        for (Map.Entry<String, Map<String, String>> endpoint : READS.entrySet()) {
            String template = endpoint.getKey();
            for (String value : HOSTILE) {
                if (template.contains("{")) {
                    String target = path(template, value);
                    check("GET " + target, Api.admin().urlEncodingEnabled(true).get(
                            path(template, java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
                                    .replace("+", "%20"))));
                    String raw = path(template, value);
                    if (isUri(raw)) { // sent as it is, where the client can: "..%2F..", "%00"
                        check("GET raw " + target, Api.admin().urlEncodingEnabled(false).get(raw));
                    }
                }
                for (String param : endpoint.getValue().keySet()) {
                    Map<String, String> params = new LinkedHashMap<>(endpoint.getValue());
                    params.put(param, value);
                    check("GET " + template + " " + param + "=" + abbreviate(value),
                            Api.admin().queryParams(params).get(path(template, "1212121").replace("/admin/dlq/1212121",
                                    "/admin/dlq/totals")));
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private static boolean isUri(String path) {
        if (path.contains("?") || path.contains("#")) {
            return false; // would start a query or fragment; the encoded form is sent instead
        }
        try {
            new java.net.URI("http://localhost" + path);
            return true;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    @Test
    void the_verifier_endpoint_answers_malformed_and_oversized_bodies_with_a_4xx() {
        List<String> bodies = List.of("", "{", "[]", "null", "42", "\"admin@com\"", "{\"verifier\":5}",
                "{\"verifier\":null}", "{\"verifier\":[\"a\"]}", "{\"verifier\":{\"a\":1}}", "{\"verifier\":\"\"}",
                "{\"verifier\":\"" + "a".repeat(10_000) + "@b.com\"}", "{\"verifier\":\"a@b.com\",\"admin\":true}",
                "{\"verifier\":\"a@b.com\"" + ",\"x\":1".repeat(10_000) + "}", "[".repeat(10_000),
                "{\"verifier\":\"" + "\\u0000".repeat(100) + "\"}", "{\"verifier\":\"a@b.com\"}}",
                "{\"verifier\":\"" + "x".repeat(3_000_000) + "\"}");
        for (String body : bodies) {
            for (String invoice : List.of("1212121", "../x", "%2e%2e", "x".repeat(300))) {
                check("PUT verifier " + invoice + " " + abbreviate(body), Api.admin().contentType("application/json")
                        .body(body).put("/invoices/" + invoice + "/countries/USA/verifier"));
            }
        }
        // Unknown fields, a key twice and trailing text are refused, not ignored.
        for (String body : List.of("{\"verifier\":\"a@b.com\",\"admin\":true}", "{\"verifier\":\"a@b.com\"}}",
                "{\"verifier\":\"x@y.com\",\"verifier\":\"a@b.com\"}", "{\"verifier\":\"a@b.com\"} x")) {
            Response response = Api.admin().contentType("application/json").body(body)
                    .put("/invoices/1212121/countries/USA/verifier");
            check("PUT verifier " + body, response);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
        }
        check("PUT verifier as text", Api.admin().contentType("text/plain").body("admin@com")
                .put("/invoices/1212121/countries/USA/verifier"));
        check("PUT verifier as xml", Api.admin().contentType("application/xml").body("<verifier/>")
                .put("/invoices/1212121/countries/USA/verifier"));
        assertThat(failures).isEmpty();
    }

    @Test
    void admin_actions_answer_hostile_names_and_ids_with_a_4xx() {
        for (String value : HOSTILE) {
            String encoded = java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20");
            check("POST rebuild " + abbreviate(value), Api.admin().urlEncodingEnabled(false)
                    .post("/admin/projections/" + encoded + "/rebuild"));
            check("POST dlq retry " + abbreviate(value), Api.admin().urlEncodingEnabled(false)
                    .post("/admin/dlq/" + encoded + "/retry"));
            check("DELETE dlq letter " + abbreviate(value), Api.admin().urlEncodingEnabled(false)
                    .delete("/admin/dlq/totals/" + encoded));
            check("DELETE verifier " + abbreviate(value), Api.admin().urlEncodingEnabled(false)
                    .delete("/invoices/1212121/countries/" + encoded + "/verifier"));
        }
        check("an unknown path", Api.admin().get("/nothing/here"));
        check("a wrong method", Api.admin().delete("/projections"));
        assertThat(failures).isEmpty();
    }

    /**
     * Issue 18: queries that ask the service for too much (wide wildcards, thousands of clauses, ten years of
     * analytics) get a 4xx, or a deliberate 503 with Retry-After, and the service answers the next request at once.
     */
    @Test
    void heavy_queries_get_a_4xx_or_a_deliberate_503_and_the_service_stays_responsive() {
        String fuzzies = java.util.stream.IntStream.range(1, 150).mapToObj(i -> "w" + i + "~")
                .collect(java.util.stream.Collectors.joining(" "));
        String clauses = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "w" + i)
                .collect(java.util.stream.Collectors.joining(" OR "));
        List<String> texts = List.of("*", "*a*", "?*", "*:*", "[a TO z]", "/.*/", "/(a|b)*c{1000}/", fuzzies,
                clauses, "a".repeat(1001), "\"" + "a ".repeat(400) + "\"~100000");
        for (String text : texts) {
            heavy("GET /search q=" + abbreviate(text), Api.admin().queryParam("q", text).get("/search"));
        }
        heavy("ten years of daily analytics", Api.admin().queryParams(Map.of("from", "2016-01-01", "to",
                "2026-01-01")).get("/analytics/daily"));
        heavy("a run rate over ten years", Api.admin().queryParam("days", "3660").get("/analytics/run-rate"));
        Response daily = Api.admin().queryParams(Map.of("from", "2016-01-01", "to", "2026-01-01"))
                .get("/analytics/daily");
        assertThat(daily.statusCode()).isEqualTo(400);
        assertThat(daily.asString()).contains("at most 366 days");

        long started = System.nanoTime();
        Api.admin().get("/projections").then().statusCode(200);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("the next request")
                .isLessThan(java.time.Duration.ofSeconds(2));
        assertThat(failures).isEmpty();
    }

    /** As {@link #check}, except that a 503 is deliberate when it is problem+json with a Retry-After. */
    private void heavy(String what, Response response) {
        if (response.statusCode() == 503) {
            statuses.merge(503, 1, Integer::sum);
            if (!String.valueOf(response.contentType()).startsWith("application/problem+json")
                    || response.header("Retry-After") == null) {
                failures.add(what + " -> 503 without problem+json and Retry-After: " + abbreviate(response.asString()));
            }
            return;
        }
        check(what, response);
    }
}
