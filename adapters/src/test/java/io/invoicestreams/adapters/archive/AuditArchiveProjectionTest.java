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
}
