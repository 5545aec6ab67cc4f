package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The packaged service on the embedded default (H2 event store, Lucene index, local archive) with its data folder on
 * a small tmpfs of its own, filled to the last byte while users keep writing to the table. The service must stop
 * taking changes with a clear error and say it is not ready; when space returns it must go on by itself and hold
 * every change once: totals equal to the table's sums, every change searchable and archived once.
 *
 * <p>Mounting a tmpfs needs root, which CI has on this kind of machine; without it the test fails and says so.
 */
class FullDiskIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final DynamoDbClients local = LocalDynamoDb.clients();
    private final DynamoDbClient users = local.dynamoDb();
    private final UserWrites writes = new UserWrites(users, "Full_" + run, 5_400_000, 30, "Full " + run);
    private Path disk;
    private ServiceProcess service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        users.close();
        if (disk != null) {
            mount("umount", disk.toString());
        }
    }

    private static void mount(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + " (needs root): " + output).isZero();
    }

    private long searchable() throws Exception {
        return ServiceChecks.searchable(service, run);
    }

    /** The transactions archived, each once; fails on a position archived twice. */
    private Set<String> archivedTransactions() throws Exception {
        Set<String> transactions = new HashSet<>();
        for (JsonNode line : ServiceChecks.archived(List.of(disk.resolve("archive"))).values()) {
            assertThat(transactions.add(line.get("transactionId").asText()))
                    .as("transaction %s archived once", line.get("transactionId")).isTrue();
        }
        return transactions;
    }

    private boolean caughtUp() throws Exception {
        return ServiceChecks.totalsMatch(service, writes.expected()) && searchable() == writes.changes()
                && archivedTransactions().size() == writes.changes();
    }

    /** Fills the file system to its last byte; returns the filler files. */
    private static List<Path> fill(Path root) throws IOException {
        Path big = root.resolve("filler-big");
        Path small = root.resolve("filler-small");
        for (var target : List.of(Map.entry(big, 1 << 20), Map.entry(small, 512))) {
            byte[] chunk = new byte[target.getValue()];
            try (OutputStream out = Files.newOutputStream(target.getKey())) {
                while (true) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException full) {
                assertThat(full.getMessage()).contains("No space left on device");
            }
        }
        return List.of(big, small);
    }

    private Map<String, String> settings(Path logs) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("invoice.data-dir", disk.toString());
        settings.put("invoice.table", "Full_" + run);
        settings.put("invoice.read-models.totals.table", "FullTotal_" + run);
        settings.put("invoice.read-models.country-verification.table", "FullAction_" + run);
        settings.put("invoice.dynamodb.local.enabled", "false");
        settings.put("invoice.dynamodb.endpoint", local.endpoint().orElseThrow().toString());
        settings.put("invoice.aws.endpoint-credentials", "local");
        settings.put("invoice.notifications.sqs.embedded-port", "0");
        settings.put("invoice.archive.buffer.interval", "2s");
        settings.put("invoice.archive.buffer.allow-short-interval", "true");
        settings.put("invoice.source.dynamodb-streams.max-error-backoff", "2s");
        return settings;
    }

    /** A data folder on a tmpfs of its own; the service's log goes elsewhere, so it can say what happened. */
    private Path mountDisk() throws Exception {
        disk = Files.createTempDirectory("fulldisk-" + run);
        mount("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString());
        return Files.createTempDirectory("fulldisk-log-" + run);
    }

    private void assertNothingParked() throws Exception {
        JsonNode projections = ServiceChecks.JSON.readTree(service.get("/projections").body());
        for (JsonNode parked : projections.get("deadLetters")) {
            assertThat(parked.asLong()).as("a full disk parks nothing").isZero();
        }
        assertThat(projections.get("parkedStreamRecords").asLong()).isZero();
    }

    /**
     * The embedded default: H2 closes its file when a write fails, and cannot open it again in the same process. The
     * service must say so and exit with 75 for its supervisor; started again once there is space (as systemd or
     * Kubernetes would), it goes on from its last commit and loses nothing.
     */
    @Test
    void a_full_disk_under_the_embedded_store_ends_the_process_clearly_and_a_restart_loses_nothing() throws Exception {
        Path logs = mountDisk();
        service = new ServiceProcess(settings(logs), logs.resolve("service.log")).start();
        writes.write(100);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(this::caughtUp);

        Instant filled = Instant.now();
        List<Path> fillers = fill(disk);
        writes.write(200);
        await().atMost(Duration.ofSeconds(120)).until(() -> !service.alive());
        Duration exitedAfter = Duration.between(filled, Instant.now());
        assertThat(service.exitCode()).as("EX_TEMPFAIL: start again").isEqualTo(75);
        String log = Files.readString(logs.resolve("service.log"));
        assertThat(log).as("the log says why, in one line").containsPattern(
                "ERROR .*The event store's H2 database in .* closed itself after a write failed: its disk is full, \\d+"
                        + " bytes free \\(No space left on device\\)");

        Instant freed = Instant.now();
        for (Path filler : fillers) {
            Files.delete(filler);
        }
        service.start(); // as its supervisor would
        await().atMost(Duration.ofSeconds(60)).until(service::ready);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(this::caughtUp);
        Duration caughtUp = Duration.between(freed, Instant.now());
        assertNothingParked();
        assertThat(archivedTransactions()).hasSize(300);
        System.out.printf("RELIABILITY full-disk H2: exited with 75 %d ms after the disk filled; started again, caught"
                + " up %d ms after space returned; %d changes%n", exitedAfter.toMillis(), caughtUp.toMillis(), writes.changes());
    }

    /**
     * The event store on PostgreSQL, the Lucene index and the archive's files on the full disk: the stream goes on,
     * search and the archive stop with an error that names the disk, and both go on by themselves when space returns,
     * with nothing parked and nothing lost.
     */
    @Test
    void a_full_disk_under_the_index_and_archive_stops_them_clearly_and_they_go_on_when_space_returns()
            throws Exception {
        Path logs = mountDisk();
        String schema = "fulldisk_" + run.replace('-', '_');
        ServiceChecks.createSchema(schema);
        Map<String, String> settings = settings(logs);
        settings.put("invoice.store.url", TestDatabases.PG_URL + "?currentSchema=" + schema);
        settings.put("invoice.store.user", TestDatabases.PG_USER);
        service = new ServiceProcess(settings, logs.resolve("service.log")).start();
        writes.write(100);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(this::caughtUp);

        List<Path> fillers = fill(disk);
        writes.write(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> ServiceChecks.storedEvents(schema) == 300
                && ServiceChecks.totalsMatch(service, writes.expected()));
        ServiceProcess.pause(Duration.ofSeconds(10));
        assertThat(searchable()).as("search waits for space").isLessThan(300);
        assertThat(archivedTransactions().size()).as("the archive waits for space").isLessThan(300);
        assertThat(service.alive()).isTrue();
        String log = Files.readString(logs.resolve("service.log"));
        assertThat(log).as("the log names the disk").contains("No space left on device");

        Instant freed = Instant.now();
        for (Path filler : fillers) {
            Files.delete(filler);
        }
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(this::caughtUp);
        Duration caughtUp = Duration.between(freed, Instant.now());
        assertNothingParked();
        assertThat(archivedTransactions()).hasSize(300);
        assertThat(ServiceChecks.storedEvents(schema)).isEqualTo(300);
        System.out.printf("RELIABILITY full-disk index and archive: search and archive caught up %d ms after space"
                + " returned; %d changes%n", caughtUp.toMillis(), writes.changes());
    }
}
