package io.invoicestreams.adapters.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.support.MutableClock;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.invoice.ChangeIdentity;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.SequenceNumber;
import io.invoicestreams.projections.audit.ArchiveRecord;
import io.invoicestreams.projections.audit.AuditArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The flush triggers, hour folders, idempotent retries and error delivery, on H2 and a real folder. */
class ArchiveFlusherTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:59:00Z");

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(T0);
    private JdbcArchiveSpool spool;
    private LocalDirectoryArchive archive;

    @BeforeEach
    void setUp() {
        spool = new JdbcArchiveSpool(TestDatabases.H2.fresh(), clock);
        spool.createSchema();
        archive = new LocalDirectoryArchive(folder);
    }

    private ArchiveFlusher flusher(AuditArchive store, long sizeBytes, Duration interval) {
        return new ArchiveFlusher(spool, store, new ArchiveFlusher.Settings("Invoice/", sizeBytes, interval), clock,
                Duration.ofMillis(1));
    }

    private static ArchiveRecord recorded(long position, Instant time) {
        return ArchiveRecord.of(position, new InvoiceEvent.TransactionRecorded(new InvoiceNumber("1212121"),
                new TransactionId("T" + position), Money.of("100.50", "USD"), new CountryCode("USA"), "06062016",
                InvoiceDocument.empty(), false, new ChangeIdentity("evt-" + position, "shard-1",
                new SequenceNumber(String.format("%021d", position)), time)));
    }

    @Test
    void nothing_is_flushed_before_the_buffer_fills_or_its_interval_passes() {
        ArchiveFlusher flusher = flusher(archive, 1_000_000, Duration.ofSeconds(300));
        spool.append(recorded(1, T0));
        clock.advance(Duration.ofSeconds(299));

        assertThat(flusher.flushIfDue().objects()).isZero();
        assertThat(objects()).isEmpty();
        assertThat(flusher.lastStored()).isEmpty();
        assertThat(flusher.dueBy()).isEqualTo(T0.plusSeconds(300));
    }

    @Test
    void the_interval_flushes_what_waited_that_long() throws IOException {
        ArchiveFlusher flusher = flusher(archive, 1_000_000, Duration.ofSeconds(300));
        spool.append(recorded(1, T0));
        spool.append(recorded(2, T0.plusSeconds(10)));
        clock.advance(Duration.ofSeconds(300));

        ArchiveFlusher.Flushed flushed = flusher.flushIfDue();

        assertThat(flushed.objects()).isEqualTo(1);
        assertThat(objects()).containsExactly(
                "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000002.json.gz");
        List<JsonNode> lines = lines(objects().getFirst());
        assertThat(lines).extracting(l -> l.get("position").asLong()).containsExactly(1L, 2L);
        assertThat(lines.getFirst().get("eventType").asText()).isEqualTo("TransactionRecorded");
        assertThat(lines.getFirst().get("amountAfter").decimalValue()).isEqualByComparingTo("100.50");
        assertThat(lines.getFirst().get("time").asText()).isEqualTo("2026-11-24T10:59:00Z");
        assertThat(spool.pending().lines()).isZero();
        assertThat(spool.pending().oldestSpooledAt()).as("an empty spool has no oldest line").isNull();
        assertThat(flusher.dueBy()).as("nothing waits, so no flush is due").isNull();
        assertThat(flusher.lastStored()).hasValueSatisfying(stored -> {
            assertThat(stored.key()).isEqualTo(objects().getFirst());
            assertThat(stored.lines()).isEqualTo(2);
            assertThat(stored.at()).isEqualTo(clock.instant());
        });
    }

    @Test
    void a_full_buffer_flushes_at_once_into_objects_no_larger_than_the_buffer() throws IOException {
        spool.append(recorded(1, T0));
        long lineBytes = spool.pending().bytes();
        ArchiveFlusher flusher = flusher(archive, lineBytes * 3, Duration.ofSeconds(300));
        for (int p = 2; p <= 7; p++) {
            spool.append(recorded(p, T0));
        }

        flusher.flushIfDue();

        assertThat(objects()).containsExactly(
                "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000003.json.gz",
                "Invoice/2026/11/24/10/invoice-events-00000000000000000004-00000000000000000006.json.gz",
                "Invoice/2026/11/24/10/invoice-events-00000000000000000007-00000000000000000007.json.gz");
        assertThat(allPositions()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void events_on_both_sides_of_an_hour_go_to_their_own_utc_hour_folders() throws IOException {
        spool.append(recorded(1, Instant.parse("2026-11-24T10:59:59Z")));
        spool.append(recorded(2, Instant.parse("2026-11-24T11:00:01Z")));
        spool.append(recorded(3, Instant.parse("2026-12-31T23:59:59.999Z")));
        spool.append(recorded(4, Instant.parse("2027-01-01T00:00:00Z")));

        flusher(archive, 1_000_000, Duration.ofSeconds(300)).flushAll();

        assertThat(objects()).containsExactly(
                "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000001.json.gz",
                "Invoice/2026/11/24/11/invoice-events-00000000000000000002-00000000000000000002.json.gz",
                "Invoice/2026/12/31/23/invoice-events-00000000000000000003-00000000000000000003.json.gz",
                "Invoice/2027/01/01/00/invoice-events-00000000000000000004-00000000000000000004.json.gz");
    }

    @Test
    void lines_of_one_hour_stay_in_one_object_when_other_hours_come_between_them() throws IOException {
        spool.append(recorded(1, Instant.parse("2026-11-24T10:59:58Z")));
        spool.append(recorded(2, Instant.parse("2026-11-24T11:00:01Z")));
        spool.append(recorded(3, Instant.parse("2026-11-24T10:59:59Z")));
        spool.append(recorded(4, Instant.parse("2026-11-24T11:00:02Z")));

        flusher(archive, 1_000_000, Duration.ofSeconds(300)).flushAll();

        assertThat(objects()).containsExactly(
                "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000003.json.gz",
                "Invoice/2026/11/24/11/invoice-events-00000000000000000002-00000000000000000004.json.gz");
        assertThat(lines(objects().getFirst())).extracting(l -> l.get("position").asLong()).containsExactly(1L, 3L);
    }

    @Test
    void a_flush_cut_short_after_its_write_writes_the_same_object_again_and_nothing_twice() throws IOException {
        // The store keeps the object, then the process "dies" before the spool forgets the lines.
        AtomicInteger writes = new AtomicInteger();
        AuditArchive dyingAfterWrite = new AuditArchive() {
            @Override
            public void put(String key, byte[] content) {
                archive.put(key, content);
                if (writes.incrementAndGet() == 1) {
                    throw new Crash();
                }
            }

            @Override
            public String location() {
                return archive.location();
            }
        };
        for (int p = 1; p <= 5; p++) {
            spool.append(recorded(p, T0));
        }
        // The flusher does not catch Errors: the "process" is gone. The test fails if the crash did not happen.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> flusher(dyingAfterWrite, 1_000_000, Duration.ofSeconds(300)).flushAll())
                .isInstanceOf(Crash.class);
        assertThat(writes.get()).isEqualTo(1);
        spool.append(recorded(6, T0));

        flusher(archive, 1_000_000, Duration.ofSeconds(300)).flushAll();

        assertThat(objects()).containsExactly(
                "Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000005.json.gz",
                "Invoice/2026/11/24/10/invoice-events-00000000000000000006-00000000000000000006.json.gz");
        assertThat(allPositions()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(writes).hasValue(1);
    }

    @Test
    void an_object_the_store_keeps_refusing_goes_under_the_error_prefix_with_its_reason() throws IOException {
        AuditArchive refusingInvoices = new AuditArchive() {
            @Override
            public void put(String key, byte[] content) {
                if (key.startsWith("Invoice/")) {
                    throw new ArchiveWriteException("Access Denied for " + key, null);
                }
                archive.put(key, content);
            }

            @Override
            public String location() {
                return "s3://audit-bucket";
            }
        };
        spool.append(recorded(1, T0));

        ArchiveFlusher.Flushed flushed = flusher(refusingInvoices, 1_000_000, Duration.ofSeconds(300)).flushAll();

        assertThat(flushed.errorObjects()).isEqualTo(1);
        assertThat(objects()).containsExactly(
                "errors/archive-write-failed/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000001.json.gz",
                "errors/archive-write-failed/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000001.json.gz.error.txt");
        assertThat(Files.readString(folder.resolve(objects().get(1))))
                .contains("could not be stored in s3://audit-bucket after 3 attempts")
                .contains("Access Denied for Invoice/2026/11/24/10/");
        assertThat(spool.pending().lines()).isZero();
    }

    @Test
    void when_even_the_error_prefix_is_refused_the_lines_stay_in_the_spool() {
        AuditArchive refusingAll = new AuditArchive() {
            @Override
            public void put(String key, byte[] content) {
                throw new ArchiveWriteException("disk full", null);
            }

            @Override
            public String location() {
                return "nowhere";
            }
        };
        spool.append(recorded(1, T0));

        flusher(refusingAll, 1_000_000, Duration.ofSeconds(300)).flushAll();
        assertThat(spool.sealedKeys()).hasSize(1);

        flusher(archive, 1_000_000, Duration.ofSeconds(300)).flushIfDue();
        assertThat(spool.sealedKeys()).isEmpty();
        assertThat(objects()).hasSize(1);
    }

    @Test
    void spooling_the_same_position_twice_keeps_one_line() throws IOException {
        spool.append(recorded(1, T0));
        spool.append(recorded(1, T0));

        flusher(archive, 1_000_000, Duration.ofSeconds(300)).flushAll();

        assertThat(allPositions()).containsExactly(1L);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void two_nodes_on_one_spool_flush_one_at_a_time_and_store_each_object_once(TestDatabases database,
                                                                               @TempDir Path otherFolder)
            throws Exception {
        var transactions = database.fresh();
        JdbcArchiveSpool shared = new JdbcArchiveSpool(transactions, clock);
        shared.createSchema();
        JdbcArchiveSpool sameSpoolOtherNode = new JdbcArchiveSpool(transactions, clock);
        sameSpoolOtherNode.createSchema(); // a second node starting makes no second lock row
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch carryOn = new CountDownLatch(1);
        AuditArchive slowStore = new AuditArchive() {
            @Override
            public void put(String key, byte[] content) {
                writing.countDown();
                try {
                    carryOn.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                archive.put(key, content);
            }

            @Override
            public String location() {
                return archive.location();
            }
        };
        LocalDirectoryArchive otherArchive = new LocalDirectoryArchive(otherFolder);
        ArchiveFlusher.Settings settings = new ArchiveFlusher.Settings("Invoice/", 1_000_000, Duration.ofSeconds(300));
        ArchiveFlusher nodeA = new ArchiveFlusher(shared, slowStore, settings, clock, Duration.ofMillis(1));
        ArchiveFlusher nodeB = new ArchiveFlusher(sameSpoolOtherNode, otherArchive, settings, clock,
                Duration.ofMillis(1));
        for (int p = 1; p <= 5; p++) {
            shared.append(recorded(p, T0));
        }

        var flushingA = java.util.concurrent.CompletableFuture.supplyAsync(nodeA::flushAll);
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue(); // A has sealed the object and is storing it
        ArchiveFlusher.Flushed byB = nodeB.flushAll();
        carryOn.countDown();
        ArchiveFlusher.Flushed byA = flushingA.get(10, TimeUnit.SECONDS);

        assertThat(byB).isEqualTo(ArchiveFlusher.Flushed.NOTHING);
        assertThat(byA.lines()).isEqualTo(5);
        assertThat(allPositions()).containsExactly(1L, 2L, 3L, 4L, 5L);
        try (Stream<Path> files = Files.walk(otherFolder)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        shared.append(recorded(6, T0));
        assertThat(nodeB.flushAll().lines()).as("the lock is free again once A is done").isEqualTo(1);
    }

    private static final class Crash extends Error {
    }

    private List<String> objects() {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString())
                    .filter(p -> !p.contains(".put-")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<JsonNode> lines(String key) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(folder.resolve(key)))) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                lines.add(new ObjectMapper().readTree(line));
            }
        }
        return lines;
    }

    private List<Long> allPositions() throws IOException {
        List<Long> positions = new ArrayList<>();
        for (String key : objects()) {
            lines(key).forEach(l -> positions.add(l.get("position").asLong()));
        }
        return positions.stream().sorted().toList();
    }
}
