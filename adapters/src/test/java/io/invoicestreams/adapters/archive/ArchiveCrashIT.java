package io.invoicestreams.adapters.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.support.ChildJvm;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.invoice.ChangeIdentity;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.SequenceNumber;
import io.invoicestreams.projections.audit.ArchiveRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kill the flushing process, start it again: every line is archived once, none lost, none twice. */
class ArchiveCrashIT {

    private static final int LINES = 1_000;

    @TempDir
    Path dir;

    static ArchiveRecord line(long position, Instant time) {
        return ArchiveRecord.of(position, new InvoiceEvent.TransactionRecorded(new InvoiceNumber("INV" + position % 97),
                new TransactionId("T" + position), Money.of("12.34", "USD"), new CountryCode("USA"), "06062016",
                InvoiceDocument.empty(), false, new ChangeIdentity("evt-" + position, "shard-1",
                new SequenceNumber(String.format("%021d", position)), time)));
    }

    private String url() {
        return io.invoicestreams.adapters.eventstore.EventStoreDatabase.h2FileUrl(dir.resolve("spool")); // as the service
    }

    /** The child processes' output, for a failure message. */
    private String log() {
        try {
            return "child output:\n" + java.nio.file.Files.readString(dir.resolve("flush.log"));
        } catch (IOException e) {
            return "no child output: " + e;
        }
    }

    private Process flush(int haltAfterPuts, long putDelayMillis) throws IOException {
        return ChildJvm.start(ArchiveFlushProcess.class, dir.resolve("flush.log"), url(),
                dir.resolve("archive").toString(), Integer.toString(LINES), Integer.toString(haltAfterPuts),
                Long.toString(putDelayMillis));
    }

    @Test
    void a_process_that_dies_between_storing_an_object_and_forgetting_its_lines_rewrites_that_object() throws Exception {
        Process dying = flush(7, 0);
        assertThat(dying.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(dying.exitValue()).as("halted like kill -9").isEqualTo(137);
        assertThat(objects()).hasSize(7);
        Object seventhFile = fileKey(objects().get(6));

        Process again = flush(0, 0);
        assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(this::log).isZero();

        assertThat(positions()).containsExactlyElementsOf(LongStream.rangeClosed(1, LINES).boxed().toList());
        assertThat(objects()).hasSize(LINES / ArchiveFlushProcess.LINES_PER_OBJECT);
        assertThat(fileKey(objects().get(6))).as("the object stored before the crash was stored again (a new file"
                + " moved over it)").isNotEqualTo(seventhFile);
    }

    @Test
    void kill_9_in_the_middle_of_flushing_loses_nothing_and_archives_nothing_twice() throws Exception {
        Process flushing = flush(0, 8);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(20)).until(() -> objects().size() >= 5);
        flushing.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(objects().size()).as("killed mid-flush").isBetween(5, LINES / ArchiveFlushProcess.LINES_PER_OBJECT - 1);

        Process again = flush(0, 0);
        assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(this::log).isZero();

        assertThat(positions()).containsExactlyElementsOf(LongStream.rangeClosed(1, LINES).boxed().toList());
    }

    /** The file's identity (inode): an atomic replace gives the key a new one. */
    private Object fileKey(String key) throws IOException {
        return Files.readAttributes(dir.resolve("archive").resolve(key),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    private List<String> objects() throws IOException {
        Path archive = dir.resolve("archive");
        if (!Files.isDirectory(archive)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(archive)) {
            return files.filter(p -> p.toString().endsWith(".json.gz")).map(p -> archive.relativize(p).toString())
                    .sorted().toList();
        }
    }

    /** Every archived line's position, sorted; a duplicate shows as a repeated number. */
    private List<Long> positions() throws IOException {
        List<Long> positions = new ArrayList<>();
        for (String key : objects()) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("archive").resolve(key)))) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .forEach(l -> positions.add(Long.parseLong(l.replaceAll("^\\{\"position\":(\\d+),.*", "$1"))));
            }
        }
        positions.sort(null);
        return positions;
    }
}
