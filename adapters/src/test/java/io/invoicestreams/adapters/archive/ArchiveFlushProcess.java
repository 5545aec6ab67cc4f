package io.invoicestreams.adapters.archive;

import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.projections.audit.AuditArchive;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process that spools {@code lines} archive lines (those already spooled stay as they are) and flushes them all
 * into small objects. With {@code haltAfterPuts} > 0 it dies, as under kill -9, right after that many objects
 * were stored and before the spool forgot their lines. {@code putDelayMillis} slows each write, so that a kill from
 * outside lands in the middle of a flush.
 *
 * <p>Arguments: jdbcUrl folder lines haltAfterPuts putDelayMillis
 */
public final class ArchiveFlushProcess {

    static final int LINES_PER_OBJECT = 20;

    public static void main(String[] args) {
        String url = args[0];
        Path folder = Path.of(args[1]);
        int lines = Integer.parseInt(args[2]);
        int haltAfterPuts = Integer.parseInt(args[3]);
        long putDelay = Long.parseLong(args[4]);
        JdbcArchiveSpool spool = new JdbcArchiveSpool(new JdbcTransactions(EventStoreDatabase.pool(url, "sa", "", 2)),
                Clock.systemUTC());
        spool.createSchema();
        Instant hour = Instant.parse("2026-11-24T10:00:00Z");
        for (int p = 1; p <= lines; p++) {
            spool.append(ArchiveCrashIT.line(p, hour.plusSeconds(p)));
        }
        LocalDirectoryArchive local = new LocalDirectoryArchive(folder);
        AtomicInteger puts = new AtomicInteger();
        AuditArchive archive = new AuditArchive() {
            @Override
            public void put(String key, byte[] content) {
                sleep(putDelay);
                local.put(key, content);
                if (puts.incrementAndGet() == haltAfterPuts) {
                    Runtime.getRuntime().halt(137);
                }
            }

            @Override
            public String location() {
                return local.location();
            }
        };
        long lineBytes = spool.pending().bytes() / Math.max(1, spool.pending().lines());
        new ArchiveFlusher(spool, archive, new ArchiveFlusher.Settings("Invoice/",
                lineBytes * LINES_PER_OBJECT + lineBytes / 2, Duration.ofSeconds(300)), Clock.systemUTC(),
                Duration.ofMillis(10)).flushAll();
        System.exit(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
