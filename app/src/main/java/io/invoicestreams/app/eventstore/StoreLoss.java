package io.invoicestreams.app.eventstore;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Ends the process when its embedded H2 event store closed itself. H2 does that when a write to its file fails, most
 * often because the disk is full; every connection is dead then, and the closed store keeps the file's lock in this
 * process, so H2 cannot open it again here. A new process opens it at its last commit, losing nothing committed. So
 * the service says why, in one line, and exits with {@value #EXIT_CODE} (EX_TEMPFAIL) for its supervisor (systemd,
 * Kubernetes, Docker's restart policy) to start it again once there is space (ADR 0028). PostgreSQL has no such state:
 * its errors are retried in place.
 */
@Singleton
public class StoreLoss {

    /** The exit code after the store closed itself: a temporary failure, start again. */
    public static final int EXIT_CODE = 75;

    /** How long the orderly shutdown may take before the process halts. */
    static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(StoreLoss.class);

    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile boolean stopping;

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** The process's exit code: {@value #EXIT_CODE} once the store was lost, else 0. */
    public int exitCode() {
        return lost.get() ? EXIT_CODE : 0;
    }

    /** The H2 store in {@code folder} closed itself ({@code failure} says so): ends the process, once. */
    void lost(Path folder, SQLException failure) {
        if (stopping || !lost.compareAndSet(false, true)) {
            return; // closing the pool at shutdown closes the database too
        }
        LOG.errorf("The event store's H2 database in %s closed itself after a write failed%s. Nothing committed is lost,"
                        + " but this process cannot open the file again: it exits with status %d for its supervisor"
                        + " to start it again. Free space first. (%s)", folder, space(folder), EXIT_CODE,
                failure.getMessage());
        Thread.ofPlatform().daemon().name("store-lost-halt").start(() -> {
            try {
                Thread.sleep(SHUTDOWN_LIMIT.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            LOG.errorf("The shutdown took longer than %s; halting", SHUTDOWN_LIMIT);
            Runtime.getRuntime().halt(EXIT_CODE);
        });
        Thread.ofPlatform().name("store-lost-exit").start(() -> Quarkus.asyncExit(EXIT_CODE));
    }

    private static String space(Path folder) {
        try {
            long free = Files.getFileStore(folder).getUsableSpace();
            return free < 64L << 20 ? ": its disk is full, " + free + " bytes free (No space left on device)"
                    : " (" + (free >> 20) + " MiB free)";
        } catch (IOException e) {
            return "";
        }
    }
}
