package io.invoicestreams.adapters.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.projections.audit.AuditArchiveProjection;
import io.invoicestreams.projections.support.EventHistory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive projection on a real processor: every event once, in order; it refuses a rebuild and ignores replays. */
class AuditArchiveProjectionTest {

    @TempDir
    Path folder;

    @Test
    void every_event_is_archived_once_and_a_replay_adds_nothing() throws Exception {
        JdbcTransactions db = TestDatabases.H2.fresh();
        JdbcArchiveSpool spool = new JdbcArchiveSpool(db, Clock.systemUTC());
        spool.createSchema();
        ArchiveFlusher flusher = new ArchiveFlusher(spool, new LocalDirectoryArchive(folder),
                new ArchiveFlusher.Settings("Invoice/", 5L << 20, Duration.ofSeconds(300)), Clock.systemUTC(),
                Duration.ofMillis(10));
        EventHistory history = EventHistory.seed()
                .corrected("1212123", "Client3_trans1xxx", "$0")
                .removed("1212122", "Client2_trans1xxx")
                .expired("1212121", "Client1_trans1xxxx")
                .verifier("1212121", "USA", "admin@com");
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(AuditArchiveProjection.NAME,
                        new AuditArchiveProjection(spool))), new ProjectionProcessors.Settings(3, 2,
                        Duration.ofMillis(200))))) {
            db.executeInTransaction(() -> store.configuration().eventStore().publish(history.messages()));
            ProjectionControl control = new ProjectionControl(store);
            assertThat(control.awaitCaughtUp(AuditArchiveProjection.NAME, Duration.ofSeconds(30),
                    Duration.ofMillis(100), p -> { })).isTrue();
            flusher.flushAll();
            List<String> once = lines();

            assertThatThrownBy(() -> control.startRebuild(AuditArchiveProjection.NAME))
                    .isInstanceOf(ProjectionControl.RebuildRefused.class)
                    .hasMessageContaining("'audit-archive' cannot be rebuilt: its handlers do not replay");
            assertThat(control.status(AuditArchiveProjection.NAME).running()).isTrue();
            // A replay of the whole store (as a reset of a shared processor would do) reaches no archive handler.
            new org.axonframework.eventhandling.AnnotationEventHandlerAdapter(new AuditArchiveProjection(spool))
                    .handle(new org.axonframework.eventhandling.GenericTrackedEventMessage<>(
                            org.axonframework.eventhandling.ReplayToken.createReplayToken(
                                    org.axonframework.eventhandling.GapAwareTrackingToken.newInstance(100,
                                            java.util.Set.of()),
                                    org.axonframework.eventhandling.GapAwareTrackingToken.newInstance(1,
                                            java.util.Set.of())),
                            history.messages().getFirst()));
            flusher.flushAll();

            assertThat(once).hasSize(history.size());
            assertThat(once).extracting(l -> l.replaceAll(".*\"eventType\":\"([A-Za-z]+)\".*", "$1")).containsExactly(
                    "TransactionRecorded", "TransactionRecorded", "TransactionRecorded", "TransactionRecorded",
                    "TransactionRecorded", "TransactionAmountCorrected", "TransactionRemoved", "TransactionExpired",
                    "CountryVerifierAssigned");
            assertThat(lines()).isEqualTo(once);
        }
    }

    private List<String> lines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json.gz")).sorted().toList()) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
                }
            }
        }
        lines.sort(java.util.Comparator.comparingLong(l -> Long.parseLong(l.replaceAll("^\\{\"position\":(\\d+),.*", "$1"))));
        return lines;
    }

    /**
     * The spool shares the processor's transaction. A batch fails after spooling four lines, and a flush on another
     * thread runs in between: it must not see those four, or the retried batch would archive them a second time.
     */
    @Test
    void a_failed_batch_spools_nothing_that_a_flush_could_archive_before_the_retry() throws Exception {
        JdbcTransactions db = TestDatabases.H2.fresh();
        JdbcArchiveSpool spool = new JdbcArchiveSpool(db, Clock.systemUTC());
        spool.createSchema();
        ArchiveFlusher flusher = new ArchiveFlusher(spool, new LocalDirectoryArchive(folder),
                new ArchiveFlusher.Settings("Invoice/", 5L << 20, Duration.ofSeconds(300)), Clock.systemUTC(),
                Duration.ofMillis(10));
        java.util.concurrent.atomic.AtomicInteger appends = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        io.invoicestreams.projections.audit.ArchiveSpool failingOnce = record -> {
            if (appends.incrementAndGet() == 5) {
                try {
                    other.submit(flusher::flushAll).get(); // a flush between the failure and the retry
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("injected: the fifth line fails once");
            }
            spool.append(record);
        };
        EventHistory history = EventHistory.seed().corrected("1212123", "Client3_trans1xxx", "$0")
                .removed("1212122", "Client2_trans1xxx");
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(AuditArchiveProjection.NAME,
                        new AuditArchiveProjection(failingOnce))), new ProjectionProcessors.Settings(100, 1,
                        Duration.ofMillis(200))))) {
            db.executeInTransaction(() -> store.configuration().eventStore().publish(history.messages()));
            assertThat(new ProjectionControl(store).awaitCaughtUp(AuditArchiveProjection.NAME, Duration.ofSeconds(30),
                    Duration.ofMillis(100), p -> { })).isTrue();
            flusher.flushAll();
        } finally {
            other.shutdownNow();
        }

        assertThat(appends.get()).isGreaterThan(history.size()); // the batch did fail and was retried
        assertThat(lines()).extracting(l -> l.replaceAll("^\\{\"position\":(\\d+),.*", "$1"))
                .containsExactly("1", "2", "3", "4", "5", "6", "7");
    }

    /**
     * An archive introduced into a running installation archives the history stored before its first start. With
     * Axon's default first token (a replay up to the head) its @DisallowReplay handlers would skip all of it.
     */
    @Test
    void history_stored_before_the_archive_first_starts_is_archived() throws Exception {
        JdbcTransactions db = TestDatabases.H2.fresh();
        JdbcArchiveSpool spool = new JdbcArchiveSpool(db, Clock.systemUTC());
        spool.createSchema();
        EventHistory history = EventHistory.seed().corrected("1212123", "Client3_trans1xxx", "$0");
        try (InvoiceEventStore before = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                configurer -> { })) {
            db.executeInTransaction(() -> before.configuration().eventStore().publish(history.messages()));
        }
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(AuditArchiveProjection.NAME,
                        new AuditArchiveProjection(spool), true)), new ProjectionProcessors.Settings(100, 1,
                        Duration.ofMillis(200))))) {
            assertThat(new ProjectionControl(store).awaitCaughtUp(AuditArchiveProjection.NAME, Duration.ofSeconds(30),
                    Duration.ofMillis(100), p -> { })).isTrue();
            new ArchiveFlusher(spool, new LocalDirectoryArchive(folder), new ArchiveFlusher.Settings("Invoice/",
                    5L << 20, Duration.ofSeconds(300)), Clock.systemUTC(), Duration.ofMillis(10)).flushAll();
        }

        assertThat(lines()).hasSize(history.size());
    }
}
