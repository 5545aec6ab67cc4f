package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The reports over the archive, checked against sums computed here from the archive's files. */
@QuarkusTest
class AnalyticsApiIT {

    private static final Path ARCHIVE = Path.of("target/test-data/archive/Invoice");

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    @Inject
    io.invoicestreams.adapters.archive.ArchiveFlusher archiveFlusher;

    @Test
    void the_daily_report_matches_a_sum_computed_from_the_archive_files() throws Exception {
        String marker = "Analytics-" + UUID.randomUUID();
        for (String amount : new String[]{"$10.25", "$2000", "$0"}) {
            dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                    "InvoiceNumber", AttributeValue.fromS("8000001"),
                    "TransactionIdentifier", AttributeValue.fromS(marker + amount),
                    "Amount", AttributeValue.fromS(amount),
                    "Trans_country", AttributeValue.fromS("USA"))));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> archived(marker) == 3);
        // Archive objects are cut by hour of event time; stop at a state where every line has left the spool.
        archiveFlusher.flushAll();
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        JsonNode report = new ObjectMapper().readTree(given().get("/analytics/daily?from=" + today + "&to=" + today)
                .then().statusCode(200).extract().asString());

        BigDecimal[] expected = recordedToday(today);
        JsonNode usd = report.get("days").get(0);
        assertThat(usd.get("day").asText()).isEqualTo(today);
        assertThat(usd.get("currency").asText()).isEqualTo("USD");
        assertThat(usd.get("transactions").asLong()).isEqualTo(expected[0].longValue());
        assertThat(usd.get("sumAmount").decimalValue()).isEqualByComparingTo(expected[1]);
        assertThat(usd.get("maxAmount").decimalValue()).isEqualByComparingTo(expected[2]);
        assertThat(report.get("filesRead").asInt()).isPositive();

        given().get("/analytics/run-rate?days=1").then().statusCode(200)
                .body("days", equalTo(1)).body("rates[0].currency", equalTo("USD"));
    }

    @Test
    void bad_report_parameters_get_problem_json() {
        given().get("/analytics/daily?from=2026-11-01").then().statusCode(400)
                .contentType("application/problem+json").body("detail", equalTo("to is required, as YYYY-MM-DD"));
        given().get("/analytics/daily?from=2026-11-05&to=2026-11-01").then().statusCode(400)
                .body("detail", containsString("is before from"));
        given().get("/analytics/daily?from=yesterday&to=2026-11-01").then().statusCode(400)
                .body("detail", containsString("from must be a date YYYY-MM-DD"));
        given().get("/analytics/run-rate?days=0").then().statusCode(400)
                .body("detail", containsString("days must be between 1 and"));
    }

    private static long archived(String marker) throws IOException {
        if (!Files.isDirectory(ARCHIVE)) {
            return 0;
        }
        long n = 0;
        for (JsonNode line : lines()) {
            if (line.get("transactionId").asText("").startsWith(marker)) {
                n++;
            }
        }
        return n;
    }

    /** [count, sum, max] of the transactions recorded today, from the archive files themselves. */
    private static BigDecimal[] recordedToday(String today) throws IOException {
        long count = 0;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal max = null;
        for (JsonNode line : lines()) {
            if (line.get("eventType").asText().equals("TransactionRecorded") && line.get("time").asText().startsWith(today)
                    && line.get("currency").asText().equals("USD")) {
                BigDecimal amount = line.get("amountAfter").decimalValue();
                count++;
                sum = sum.add(amount);
                max = max == null || amount.compareTo(max) > 0 ? amount : max;
            }
        }
        return new BigDecimal[]{BigDecimal.valueOf(count), sum, max};
    }

    private static java.util.List<JsonNode> lines() throws IOException {
        java.util.List<JsonNode> lines = new java.util.ArrayList<>();
        ObjectMapper json = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        try (Stream<Path> files = Files.walk(ARCHIVE)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json.gz")).toList()) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            lines.add(json.readTree(line));
                        }
                    }
                }
            }
        }
        return lines;
    }
}
