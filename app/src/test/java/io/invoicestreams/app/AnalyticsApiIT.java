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
        // An invoice date of this run alone, in the seed's MMDDYYYY form, so that its day holds only these changes.
        LocalDate invoiceDay = LocalDate.parse("1990-01-01").plusDays(new java.util.Random().nextInt(3000));
        String invoiceDate = invoiceDay.format(java.time.format.DateTimeFormatter.ofPattern("MMddyyyy"));
        for (String amount : new String[]{"$10.25", "$2000", "$0"}) {
            dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                    "InvoiceNumber", AttributeValue.fromS("8000001"),
                    "TransactionIdentifier", AttributeValue.fromS(marker + amount),
                    "Amount", AttributeValue.fromS(amount),
                    "Trans_country", AttributeValue.fromS("USA"),
                    "Invoice_dt", AttributeValue.fromS(invoiceDate))));
        }
        // A correction and a removal, which move the day's net amount but add no transaction.
        dynamoDb.updateItem(b -> b.tableName(table.tableName()).key(Map.of(
                        "InvoiceNumber", AttributeValue.fromS("8000001"),
                        "TransactionIdentifier", AttributeValue.fromS(marker + "$10.25")))
                .updateExpression("SET Amount = :a").expressionAttributeValues(Map.of(":a", AttributeValue.fromS("$15"))));
        dynamoDb.deleteItem(b -> b.tableName(table.tableName()).key(Map.of(
                "InvoiceNumber", AttributeValue.fromS("8000001"),
                "TransactionIdentifier", AttributeValue.fromS(marker + "$2000"))));
        await().atMost(Duration.ofSeconds(20)).until(() -> archived(marker) == 5);
        // Archive objects are cut by hour of event time; stop at a state where every line has left the spool.
        archiveFlusher.flushAll();
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        JsonNode report = new ObjectMapper().readTree(given().get("/analytics/daily?from=" + today + "&to=" + today)
                .then().statusCode(200).extract().asString());

        Sums expected = sums(line -> line.get("time").asText().startsWith(today));
        JsonNode usd = report.get("days").get(0);
        assertThat(usd.get("day").asText()).isEqualTo(today);
        assertThat(usd.get("currency").asText()).isEqualTo("USD");
        expected.check(usd);
        assertThat(expected.corrections).isPositive();
        assertThat(expected.removals).isPositive();
        assertThat(report.get("filesRead").asInt()).isPositive();

        // By invoice date: exactly this run's five changes, on the day of their transactions' Invoice_dt.
        JsonNode byDate = new ObjectMapper().readTree(given().get("/analytics/daily?from=" + invoiceDay + "&to="
                + invoiceDay + "&by=invoice-date").then().statusCode(200).extract().asString());
        assertThat(byDate.get("by").asText()).isEqualTo("INVOICE_DATE");
        assertThat(byDate.get("days")).hasSize(1);
        Sums dated = sums(line -> line.path("transactionDate").asText().equals(invoiceDate));
        dated.check(byDate.get("days").get(0));
        assertThat(dated.transactions).isEqualTo(3);
        assertThat(dated.net).isEqualByComparingTo("15.00"); // 10.25 + 2000 + 0, + 4.75, - 2000

        given().get("/analytics/run-rate?days=1").then().statusCode(200)
                .body("days", equalTo(1)).body("rates[0].currency", equalTo("USD"));
        given().get("/analytics/daily?from=" + today + "&to=" + today + "&by=week").then().statusCode(400)
                .body("detail", equalTo("by must be change or invoice-date, was 'week'"));
    }

    /** A day's figures as computed here from the archive's lines, in USD. */
    private static final class Sums {
        long transactions;
        long corrections;
        long removals;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal max;
        BigDecimal net = BigDecimal.ZERO;

        void check(JsonNode day) {
            assertThat(day.get("transactions").asLong()).isEqualTo(transactions);
            assertThat(day.get("sumAmount").decimalValue()).isEqualByComparingTo(sum);
            assertThat(day.get("maxAmount").decimalValue()).isEqualByComparingTo(max);
            assertThat(day.get("netAmount").decimalValue()).isEqualByComparingTo(net);
            assertThat(day.get("corrections").asLong()).isEqualTo(corrections);
            assertThat(day.get("removals").asLong()).isEqualTo(removals);
        }
    }

    /**
     * The USD figures of the archive lines that {@code counted} picks, each line given, as {@code transactionDate},
     * the invoice date its transaction had at that line (the newest one written on it up to then).
     */
    private static Sums sums(java.util.function.Predicate<JsonNode> counted) throws IOException {
        java.util.List<JsonNode> lines = lines();
        // In the order the changes happened: the archive of the test data folder spans stores whose positions
        // start again, so time comes first and the position breaks its ties.
        lines.sort(java.util.Comparator.<JsonNode, java.time.Instant>comparing(l -> java.time.Instant.parse(
                l.get("time").asText())).thenComparingLong(l -> l.get("position").asLong()));
        Map<String, String> dates = new java.util.HashMap<>();
        Sums sums = new Sums();
        for (JsonNode line : lines) {
            String transaction = line.get("invoiceNumber").asText() + "|" + line.get("transactionId").asText();
            if (line.hasNonNull("invoiceDate")) {
                dates.put(transaction, line.get("invoiceDate").asText());
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) line).put("transactionDate", dates.get(transaction));
            if (!"USD".equals(line.path("currency").asText()) || !counted.test(line)) {
                continue;
            }
            switch (line.get("eventType").asText()) {
                case "TransactionRecorded" -> {
                    BigDecimal amount = line.get("amountAfter").decimalValue();
                    sums.transactions++;
                    sums.sum = sums.sum.add(amount);
                    sums.max = sums.max == null || amount.compareTo(sums.max) > 0 ? amount : sums.max;
                    sums.net = sums.net.add(amount);
                }
                case "TransactionAmountCorrected" -> {
                    sums.corrections++;
                    sums.net = sums.net.add(line.get("amountAfter").decimalValue())
                            .subtract(line.get("amountBefore").decimalValue());
                }
                case "TransactionRemoved", "TransactionExpired" -> {
                    sums.removals++;
                    sums.net = sums.net.subtract(line.get("amountBefore").decimalValue());
                }
                default -> { }
            }
        }
        return sums;
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
