package io.invoicestreams.adapters.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.adapters.archive.ArchiveRetention.Tier;
import io.invoicestreams.adapters.support.LocalS3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

/**
 * {@code archive lifecycle}: the retention's own checks, the rules on a real S3-compatible server (S3Mock, which keeps
 * lifecycle configurations; s3proxy answers NotImplemented, which must come back as a clear refusal), and the local
 * folder's report of what the rules would do.
 */
class ArchiveLifecycleIT {

    @Nested
    class Retention {

        @Test
        void the_default_is_infrequent_access_after_30_days_glacier_after_90_and_seven_years() {
            assertThat(ArchiveRetention.sevenYears()).isEqualTo(new ArchiveRetention(30, 90, 2557));
            assertThat(ArchiveRetention.sevenYears().shorterThanSevenYears()).isFalse();
            assertThat(new ArchiveRetention(30, 90, 2556).shorterThanSevenYears()).isTrue();
        }

        @Test
        void what_s3_would_refuse_is_refused_with_the_reason() {
            assertThatThrownBy(() -> new ArchiveRetention(29, 90, 2557))
                    .hasMessageContaining("infrequent access needs at least 30 days").hasMessageContaining("was 29");
            assertThatThrownBy(() -> new ArchiveRetention(30, 59, 2557))
                    .hasMessageContaining("Glacier needs at least 30 days after infrequent access (day 60 or later")
                    .hasMessageContaining("was 59");
            assertThatThrownBy(() -> new ArchiveRetention(30, 90, 90))
                    .hasMessageContaining("expiry must come after the Glacier transition");
            new ArchiveRetention(30, 60, 61); // the tightest S3 accepts
        }

        @Test
        void an_object_moves_through_the_tiers_on_the_days_the_rules_name() {
            ArchiveRetention retention = new ArchiveRetention(30, 90, 2557);
            assertThat(List.of(0L, 29L, 30L, 89L, 90L, 2556L, 2557L).stream().map(retention::tierAt)).containsExactly(
                    Tier.STANDARD, Tier.STANDARD, Tier.STANDARD_IA, Tier.STANDARD_IA, Tier.GLACIER, Tier.GLACIER,
                    Tier.EXPIRED);
        }
    }

    @Nested
    class OnS3 {

        private final S3Client s3 = S3Archive.client(Optional.of(LocalS3.lifecycleEndpoint()), Optional.empty(), true, io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
        private final String bucket = "audit-" + UUID.randomUUID().toString().substring(0, 8);

        private Map<String, LifecycleRule> rules() {
            return s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules().stream()
                    .collect(java.util.stream.Collectors.toMap(LifecycleRule::id, r -> r));
        }

        @Test
        void applies_both_rules_and_keeps_the_rules_of_other_owners() {
            s3.createBucket(b -> b.bucket(bucket));
            s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(
                    LifecycleRule.builder().id("logs-cleanup").filter(f -> f.prefix("logs/"))
                            .status(ExpirationStatus.ENABLED).expiration(e -> e.days(14)).build())));
            S3ArchiveLifecycle lifecycle = new S3ArchiveLifecycle(s3, bucket, "Invoice/");

            ArchiveLifecycle.Outcome outcome = lifecycle.apply(new ArchiveRetention(45, 120, 2557), false);

            assertThat(outcome.applied()).isTrue();
            Map<String, LifecycleRule> rules = rules();
            assertThat(rules).containsOnlyKeys("logs-cleanup", "invoice-streams-archive", "invoice-streams-archive-errors");
            assertThat(S3ArchiveLifecycle.describe(rules.get("logs-cleanup")))
                    .isEqualTo("Enabled on 'logs/', deleted after 14 days");
            assertThat(S3ArchiveLifecycle.describe(rules.get("invoice-streams-archive"))).isEqualTo(
                    "Enabled on 'Invoice/', STANDARD_IA after 45 days, GLACIER after 120 days, deleted after 2557 days,"
                            + " old versions deleted after 2557 days");
            assertThat(S3ArchiveLifecycle.describe(rules.get("invoice-streams-archive-errors")))
                    .startsWith("Enabled on 'errors/archive-write-failed/', STANDARD_IA after 45 days");
            assertThat(outcome.lines()).anyMatch(l -> l.contains("rule logs-cleanup (not this service's): kept"));
        }

        @Test
        void applying_again_changes_nothing_and_a_dry_run_leaves_the_bucket_alone() {
            s3.createBucket(b -> b.bucket(bucket));
            S3ArchiveLifecycle lifecycle = new S3ArchiveLifecycle(s3, bucket, "Invoice/");
            assertThat(lifecycle.apply(ArchiveRetention.sevenYears(), false).applied()).isTrue();

            ArchiveLifecycle.Outcome again = lifecycle.apply(ArchiveRetention.sevenYears(), false);
            ArchiveLifecycle.Outcome dryRun = lifecycle.apply(new ArchiveRetention(60, 180, 3000), true);

            assertThat(again.applied()).isFalse();
            assertThat(again.lines()).contains("Nothing to change.");
            assertThat(dryRun.applied()).isFalse();
            assertThat(dryRun.lines()).anyMatch(l -> l.contains("replaces Enabled on 'Invoice/', STANDARD_IA after 30 days"));
            assertThat(S3ArchiveLifecycle.describe(rules().get("invoice-streams-archive")))
                    .contains("STANDARD_IA after 30 days, GLACIER after 90 days, deleted after 2557 days");
        }

        @Test
        void a_missing_bucket_is_a_clear_refusal() {
            assertThatThrownBy(() -> new S3ArchiveLifecycle(s3, bucket, "Invoice/")
                    .apply(ArchiveRetention.sevenYears(), false))
                    .isInstanceOf(ArchiveLifecycle.LifecycleException.class)
                    .hasMessageContaining("s3://" + bucket).hasMessageContaining("NoSuchBucket");
        }
    }

    @Test
    void a_store_without_lifecycle_support_is_a_clear_refusal() {
        try (S3Client s3proxy = S3Archive.client(Optional.of(LocalS3.endpoint()), Optional.empty(), true, io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL)) {
            String bucket = "audit-" + UUID.randomUUID().toString().substring(0, 8);
            s3proxy.createBucket(b -> b.bucket(bucket));

            assertThatThrownBy(() -> new S3ArchiveLifecycle(s3proxy, bucket, "Invoice/")
                    .apply(ArchiveRetention.sevenYears(), false))
                    .isInstanceOf(ArchiveLifecycle.LifecycleException.class)
                    .hasMessageContaining("s3://" + bucket).hasMessageContaining("NotImplemented");
        }
    }

    @Test
    void the_local_folder_says_what_the_rules_would_do_and_changes_nothing(@TempDir Path folder) throws IOException {
        Instant now = Instant.parse("2026-11-24T12:00:00Z");
        Path fresh = file(folder, "Invoice/2026/11/24/11/invoice-events-1-2.json.gz", 100, now.minus(1, ChronoUnit.DAYS));
        Path month = file(folder, "Invoice/2026/10/01/00/invoice-events-3-4.json.gz", 200, now.minus(40, ChronoUnit.DAYS));
        Path old = file(folder, "Invoice/2019/01/01/00/invoice-events-5-6.json.gz", 300, now.minus(2600, ChronoUnit.DAYS));
        Path error = file(folder, "errors/archive-write-failed/2026/06/01/00/invoice-events-7-7.json.gz", 50,
                now.minus(100, ChronoUnit.DAYS));
        file(folder, "Invoice/2026/11/24/11/.put-123.tmp", 10, now.minus(400, ChronoUnit.DAYS)); // not an object
        LocalArchiveLifecycle lifecycle = new LocalArchiveLifecycle(folder, "Invoice/", Clock.fixed(now, ZoneOffset.UTC));

        List<LocalArchiveLifecycle.Tally> plan = lifecycle.plan(ArchiveRetention.sevenYears());
        ArchiveLifecycle.Outcome outcome = lifecycle.apply(ArchiveRetention.sevenYears(), false);

        assertThat(plan.get(0).objects()).containsExactlyInAnyOrderEntriesOf(Map.of(Tier.STANDARD, 1L,
                Tier.STANDARD_IA, 1L, Tier.GLACIER, 0L, Tier.EXPIRED, 1L));
        assertThat(plan.get(0).bytes()).containsEntry(Tier.EXPIRED, 300L).containsEntry(Tier.STANDARD_IA, 200L);
        assertThat(plan.get(1).objects()).containsEntry(Tier.GLACIER, 1L).containsEntry(Tier.STANDARD, 0L);
        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.lines()).anyMatch(l -> l.startsWith("  Invoice/: standard 1 objects (100 bytes);"));
        assertThat(List.of(fresh, month, old, error)).allMatch(Files::exists);
    }

    private static Path file(Path folder, String key, int size, Instant modified) throws IOException {
        Path file = folder.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[size]);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
