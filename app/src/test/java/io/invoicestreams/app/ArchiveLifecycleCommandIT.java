package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code archive lifecycle} on the embedded default, the local archive folder: it says what the S3 rules would do,
 * deletes nothing, and refuses a retention S3 would refuse, or one under seven years unless that is intended.
 */
@QuarkusTest
class ArchiveLifecycleCommandIT {

    @Inject
    ArchiveCommand command;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return command.run(ArchiveCommand.parse(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void the_local_folder_gets_a_report_of_the_rules_and_keeps_every_object() throws Exception {
        Path object = Path.of("target/test-data/archive/Invoice/2020/01/01/00/invoice-events-lifecycle.json.gz");
        Files.createDirectories(object.getParent());
        Files.write(object, new byte[]{1, 2, 3});
        Files.setLastModifiedTime(object, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(3000))));

        try {
            assertThat(run("archive", "lifecycle")).isZero();

            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("lifecycle rules do not apply to a folder; nothing is moved or deleted")
                    .contains("STANDARD_IA after 30 days, GLACIER after 90 days, deleted after 2557 days")
                    .containsPattern("Invoice/: standard \\d+ objects .* expired [1-9]\\d* objects");
            assertThat(object).exists();
        } finally {
            Files.deleteIfExists(object); // not an archive object: other tests read this folder
        }
    }

    @Test
    void a_retention_s3_would_refuse_or_under_seven_years_is_refused_with_the_reason() {
        assertThat(run("archive", "lifecycle", "--infrequent-access-days", "10")).isEqualTo(2);
        assertThat(run("archive", "lifecycle", "--expire-days", "365")).isEqualTo(2);
        assertThat(run("archive", "lifecycle", "--expire-days", "365", "--allow-short-retention")).isZero();

        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "invoice-streams: archive lifecycle: infrequent access needs at least 30 days (S3 refuses STANDARD_IA"
                        + " transitions before day 30), was 10",
                "invoice-streams: archive lifecycle: expiry after 365 days deletes audit data before seven years"
                        + " (2557 days); add --allow-short-retention if that is intended");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("deleted after 365 days");
    }
}
