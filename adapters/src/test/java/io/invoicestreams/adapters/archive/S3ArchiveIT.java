package io.invoicestreams.adapters.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.support.LocalS3;
import io.invoicestreams.adapters.support.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The archive in S3 over the real protocol (s3proxy, path-style): hour keys, overwrites, and a missing bucket. */
class S3ArchiveIT {

    private S3Client s3;
    private String bucket;
    private JdbcArchiveSpool spool;

    @BeforeEach
    void setUp() {
        s3 = S3Archive.client(Optional.of(LocalS3.endpoint()), Optional.empty(), true, io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
        bucket = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        spool = new JdbcArchiveSpool(TestDatabases.H2.fresh(), Clock.systemUTC());
        spool.createSchema();
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    private ArchiveFlusher flusher() {
        return new ArchiveFlusher(spool, new S3Archive(s3, bucket), new ArchiveFlusher.Settings("Invoice/", 5L << 20,
                Duration.ofSeconds(300)), Clock.systemUTC(), Duration.ofMillis(10));
    }

    private List<String> keys() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    private String read(String key) throws IOException {
        try (InputStream in = new GZIPInputStream(s3.getObject(b -> b.bucket(bucket).key(key)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void objects_land_under_their_utc_hour_and_read_back_whole() throws IOException {
        s3.createBucket(b -> b.bucket(bucket));
        spool.append(ArchiveCrashIT.line(1, Instant.parse("2026-11-24T10:59:59Z")));
        spool.append(ArchiveCrashIT.line(2, Instant.parse("2026-11-24T11:00:00Z")));

        ArchiveFlusher.Flushed flushed = flusher().flushAll();

        assertThat(flushed.objects()).isEqualTo(2);
        assertThat(keys()).containsExactly(
                "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000001.json.gz",
                "Invoice/2026/11/24/11/invoice-events-00000000000000000002-00000000000000000002.json.gz");
        assertThat(read(keys().getFirst())).startsWith("{\"position\":1,\"eventType\":\"TransactionRecorded\"")
                .endsWith("}\n");
    }

    @Test
    void a_retried_put_replaces_the_object_under_the_same_key() throws IOException {
        s3.createBucket(b -> b.bucket(bucket));
        S3Archive archive = new S3Archive(s3, bucket);
        archive.put("Invoice/2026/11/24/10/x.json.gz", ArchiveFlusher.gzip(List.of(
                new JdbcArchiveSpool.Line(1, "2026/11/24/10/", "{\"a\":1}", 8, Instant.now()))));
        archive.put("Invoice/2026/11/24/10/x.json.gz", ArchiveFlusher.gzip(List.of(
                new JdbcArchiveSpool.Line(1, "2026/11/24/10/", "{\"a\":2}", 8, Instant.now()))));

        assertThat(keys()).containsExactly("Invoice/2026/11/24/10/x.json.gz");
        assertThat(read("Invoice/2026/11/24/10/x.json.gz")).isEqualTo("{\"a\":2}\n");
    }

    @Test
    void while_the_bucket_refuses_writes_the_lines_wait_in_the_spool_and_go_out_once_it_accepts() throws IOException {
        spool.append(ArchiveCrashIT.line(1, Instant.parse("2026-11-24T10:00:00Z")));

        ArchiveFlusher.Flushed refused = flusher().flushAll();
        assertThat(refused.objects() + refused.errorObjects()).isZero();
        assertThat(spool.sealedKeys()).hasSize(1);

        s3.createBucket(b -> b.bucket(bucket));
        flusher().flushIfDue();

        assertThat(keys()).containsExactly(
                "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000001.json.gz");
        assertThat(spool.sealedKeys()).isEmpty();
    }

    @Test
    void reports_over_s3_fetch_only_the_days_they_cover_into_the_cache() throws IOException {
        s3.createBucket(b -> b.bucket(bucket));
        spool.append(ArchiveCrashIT.line(1, Instant.parse("2026-11-23T10:00:00Z")));
        spool.append(ArchiveCrashIT.line(2, Instant.parse("2026-11-24T10:00:00Z")));
        spool.append(ArchiveCrashIT.line(3, Instant.parse("2026-11-24T23:00:00Z")));
        flusher().flushAll();
        java.nio.file.Path cache = java.nio.file.Files.createTempDirectory("archive-cache");
        ArchiveAnalytics analytics = new ArchiveAnalytics(new S3ArchiveCache(s3, bucket, "Invoice/", cache));

        ArchiveAnalytics.DailyReport day = analytics.daily(java.time.LocalDate.parse("2026-11-24"),
                java.time.LocalDate.parse("2026-11-24"), true);

        assertThat(day.filesRead()).isEqualTo(2);
        assertThat(day.days()).singleElement().satisfies(d -> assertThat(d.transactions()).isEqualTo(2));
        try (var cached = java.nio.file.Files.walk(cache)) {
            assertThat(cached.filter(p -> p.toString().endsWith(".json.gz")).count()).isEqualTo(2);
        }
        assertThat(analytics.query("select count(*) from archive").rows().getFirst().getFirst()).isEqualTo(3L);
    }

    /** After a store reset, or with another bucket, a key can name other lines of the same size: S3's ETag tells. */
    @Test
    void a_cached_object_is_fetched_again_when_its_key_now_holds_other_lines() throws IOException {
        s3.createBucket(b -> b.bucket(bucket));
        String key = "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000001.json.gz";
        String line = "{\"position\":1,\"eventType\":\"TransactionRecorded\",\"invoiceNumber\":\"1\","
                + "\"amountAfter\":%s,\"currency\":\"USD\",\"time\":\"2026-11-24T10:00:00Z\"}";
        S3Archive archive = new S3Archive(s3, bucket);
        archive.put(key, ArchiveFlusher.gzip(List.of(new JdbcArchiveSpool.Line(1, "2026/11/24/10/",
                String.format(line, "11.11"), 8, Instant.now()))));
        java.nio.file.Path cache = java.nio.file.Files.createTempDirectory("archive-cache");
        ArchiveAnalytics analytics = new ArchiveAnalytics(new S3ArchiveCache(s3, bucket, "Invoice/", cache));
        String sum = "select sum(amountAfter)::VARCHAR from archive";
        assertThat(analytics.query(sum).rows().getFirst().getFirst()).isEqualTo("11.11");

        archive.put(key, ArchiveFlusher.gzip(List.of(new JdbcArchiveSpool.Line(1, "2026/11/24/10/",
                String.format(line, "99.99"), 8, Instant.now()))));

        assertThat(analytics.query(sum).rows().getFirst().getFirst()).isEqualTo("99.99");
    }
}
