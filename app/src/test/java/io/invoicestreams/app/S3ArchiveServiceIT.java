package io.invoicestreams.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.archive.S3Archive;
import io.invoicestreams.adapters.support.LocalS3;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole service with its archive on S3 (s3proxy, path-style): a table change becomes a line in an object under
 * its UTC hour in the bucket, and the daily report reads it back through the local cache of the day's prefix.
 */
@QuarkusTest
@TestProfile(S3ArchiveServiceIT.OnS3.class)
class S3ArchiveServiceIT {

    /**
     * The archive in a fresh bucket on s3proxy, with its own event store and data folder. The profile and the test
     * class live in different class loaders, so the test reads the endpoint and bucket from the configuration.
     */
    public static class OnS3 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String endpoint = LocalS3.endpoint().toString();
            String bucket = "service-audit-" + UUID.randomUUID().toString().substring(0, 8);
            try (S3Client s3 = S3Archive.client(Optional.of(LocalS3.endpoint()), Optional.empty(), true, io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL)) {
                s3.createBucket(b -> b.bucket(bucket));
            }
            return Map.of("invoice.archive.s3.bucket", bucket,
                    "invoice.archive.s3.endpoint", endpoint,
                    "invoice.archive.s3.path-style", "true",
                    "invoice.aws.endpoint-credentials", "local",
                    "invoice.data-dir", "target/test-data-s3",
                    "invoice.store.url", "jdbc:h2:mem:app-test-s3;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        }
    }

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    @Inject
    io.invoicestreams.adapters.archive.ArchiveFlusher archiveFlusher;

    @Inject
    io.invoicestreams.app.audit.ArchiveConfig config;

    private String bucket;

    private S3Client s3() {
        bucket = config.s3().bucket().orElseThrow();
        return S3Archive.client(config.s3().endpoint(), Optional.empty(), true, io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
    }

    @Test
    void a_change_lands_in_the_bucket_under_its_hour_and_the_daily_report_reads_it_back() throws IOException {
        String transaction = "S3-" + UUID.randomUUID();
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS("8100001"),
                "TransactionIdentifier", AttributeValue.fromS(transaction),
                "Amount", AttributeValue.fromS("$12.34"),
                "Trans_country", AttributeValue.fromS("USA"))));
        String hourPrefix = "Invoice/" + java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd/")
                .format(LocalDate.now(ZoneOffset.UTC));

        try (S3Client s3 = s3()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> keys(s3).stream().anyMatch(k -> mentions(s3, k, transaction)));
            String key = keys(s3).stream().filter(k -> mentions(s3, k, transaction)).findFirst().orElseThrow();
            assertThat(key).startsWith(hourPrefix).matches(".*/\\d{2}/invoice-events-\\d{20}-\\d{20}\\.json\\.gz");
        }
        archiveFlusher.flushAll();
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        JsonNode report = new ObjectMapper().readTree(given().get("/analytics/daily?from=" + today + "&to=" + today)
                .then().log().ifValidationFails().statusCode(200).extract().asString());

        assertThat(report.get("filesRead").asInt()).isPositive();
        assertThat(report.get("days").get(0).get("transactions").asLong()).isPositive();
        assertThat(report.get("days").get(0).get("sumAmount").decimalValue()).isGreaterThanOrEqualTo(
                new java.math.BigDecimal("12.34"));
        assertThat(java.nio.file.Path.of("target/test-data-s3/archive-cache").resolve(bucket).resolve(hourPrefix))
                .isDirectory();
    }

    private List<String> keys(S3Client s3) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    private boolean mentions(S3Client s3, String key, String transaction) {
        try (InputStream in = new GZIPInputStream(s3.getObject(b -> b.bucket(bucket).key(key)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"transactionId\":\"" + transaction + "\"");
        } catch (IOException | software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false; // s3proxy can list a key a moment before it serves it; the next poll reads it
        }
    }
}
