package io.invoicestreams.adapters.bench;

import io.invoicestreams.adapters.archive.ArchiveAnalytics;
import io.invoicestreams.adapters.archive.ArchiveFlusher;
import io.invoicestreams.adapters.archive.JdbcArchiveSpool;
import io.invoicestreams.adapters.archive.LocalDirectoryArchive;
import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
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
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The audit archive: spool-and-flush throughput into gzip objects (5 MiB buffer) against one object per event, and
 * the daily report's latency over 1,000,000 archived events, with and without partition pruning.
 *
 * <p>{@code ./mvnw -pl adapters -am install -DskipTests && ./mvnw -pl adapters exec:java -Pbench
 * -Dbench.main=io.invoicestreams.adapters.bench.ArchiveBenchmark}
 */
public final class ArchiveBenchmark {

    static final int THROUGHPUT_EVENTS = Integer.getInteger("bench.archive.events", 100_000);
    static final int NAIVE_EVENTS = Integer.getInteger("bench.archive.naive", 5_000);
    static final int REPORT_EVENTS = Integer.getInteger("bench.archive.report", 1_000_000);
    static final Instant START = Instant.parse("2026-09-01T00:00:00Z");
    static final int DAYS = 60;

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        Random random = new Random(11);

        Path folder = Files.createTempDirectory("archive-bench");
        JdbcTransactions db = new JdbcTransactions(EventStoreDatabase.pool(EventStoreDatabase.h2FileUrl(
                Files.createTempDirectory("archive-bench-h2")), "sa", "", 4));
        JdbcArchiveSpool spool = new JdbcArchiveSpool(db, Clock.systemUTC());
        spool.createSchema();
        long t0 = System.nanoTime();
        append(db, spool, 1, THROUGHPUT_EVENTS, random);
        double spoolSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        ArchiveFlusher.Flushed flushed = new ArchiveFlusher(spool, new LocalDirectoryArchive(folder),
                new ArchiveFlusher.Settings("Invoice/", 5L << 20, Duration.ofSeconds(300)), Clock.systemUTC(),
                Duration.ofMillis(10)).flushAll();
        double flushSeconds = (System.nanoTime() - t1) / 1e9;

        // Baseline: one object per event, as an unbuffered archive would write.
        JdbcArchiveSpool naiveSpool = new JdbcArchiveSpool(TestDatabases.H2.fresh(), Clock.systemUTC());
        naiveSpool.createSchema();
        Path naiveFolder = Files.createTempDirectory("archive-bench-naive");
        ArchiveFlusher naive = new ArchiveFlusher(naiveSpool, new LocalDirectoryArchive(naiveFolder),
                new ArchiveFlusher.Settings("Invoice/", 1, Duration.ofSeconds(300)), Clock.systemUTC(),
                Duration.ofMillis(10));
        long t2 = System.nanoTime();
        for (int p = 1; p <= NAIVE_EVENTS; p++) {
            naiveSpool.append(event(p, random)); // and one transaction per event
        }
        ArchiveFlusher.Flushed naiveFlushed = naive.flushAll();
        double naiveSeconds = (System.nanoTime() - t2) / 1e9;
        double t1Rate = THROUGHPUT_EVENTS / (spoolSeconds + flushSeconds);
        double naiveRate = NAIVE_EVENTS / naiveSeconds;
        System.out.printf("buffered %.0f ev/s, naive %.0f ev/s%n", t1Rate, naiveRate);

        // A million archived events over 60 days, written through the same flusher.
        Path big = Files.createTempDirectory("archive-bench-1m");
        JdbcTransactions bigDb = new JdbcTransactions(EventStoreDatabase.pool(
                EventStoreDatabase.h2FileUrl(Files.createTempDirectory("archive-bench-1m-h2")), "sa", "", 4));
        JdbcArchiveSpool bigSpool = new JdbcArchiveSpool(bigDb, Clock.systemUTC());
        bigSpool.createSchema();
        ArchiveFlusher bigFlusher = new ArchiveFlusher(bigSpool, new LocalDirectoryArchive(big),
                new ArchiveFlusher.Settings("Invoice/", 5L << 20, Duration.ofSeconds(300)), Clock.systemUTC(),
                Duration.ofMillis(10));
        for (int p = 1; p <= REPORT_EVENTS; p += 100_000) {
            append(bigDb, bigSpool, p, Math.min(REPORT_EVENTS, p + 99_999), random);
            bigFlusher.flushAll();
            System.out.printf("archived %,d%n", Math.min(REPORT_EVENTS, p + 99_999));
        }
        bigFlusher.flushAll();
        ArchiveAnalytics analytics = new ArchiveAnalytics(big, "Invoice/");
        LocalDate day = LocalDate.parse("2026-10-15");
        analytics.daily(day, day, true); // warm-up: DuckDB's native library and the JIT
        long t3 = System.nanoTime();
        ArchiveAnalytics.DailyReport pruned = analytics.daily(day, day, true);
        double prunedSeconds = (System.nanoTime() - t3) / 1e9;
        long t4 = System.nanoTime();
        ArchiveAnalytics.DailyReport full = analytics.daily(day, day, false);
        double fullSeconds = (System.nanoTime() - t4) / 1e9;
        if (!pruned.days().equals(full.days())) {
            throw new IllegalStateException("pruned and full reports differ");
        }
        LocalDate weekEnd = day.plusDays(6);
        long t5 = System.nanoTime();
        ArchiveAnalytics.DailyReport week = analytics.daily(day, weekEnd, true);
        double weekSeconds = (System.nanoTime() - t5) / 1e9;

        String body = BenchmarkReport.measured() + " Local archive folder, H2 file spool, buffer 5 MiB.\n\n"
                + "| run | events | seconds | events/s | MB/s of JSON lines | objects | compression |\n"
                + "|---|---|---|---|---|---|---|\n"
                + String.format(Locale.ROOT, "| buffered: spool, then flush into 5 MiB gzip objects | %,d | %.1f | %,.0f | %.1f | %,d | %.1f× |%n",
                THROUGHPUT_EVENTS, spoolSeconds + flushSeconds, t1Rate,
                flushed.bytes() / 1e6 / (spoolSeconds + flushSeconds), flushed.objects(),
                (double) flushed.bytes() / flushed.compressedBytes())
                + String.format(Locale.ROOT, "| naive baseline: one object per event | %,d | %.1f | %,.0f | %.2f | %,d | %.1f× |%n",
                NAIVE_EVENTS, naiveSeconds, naiveRate, naiveFlushed.bytes() / 1e6 / naiveSeconds, naiveFlushed.objects(),
                (double) naiveFlushed.bytes() / naiveFlushed.compressedBytes())
                + String.format(Locale.ROOT, "%nBuffered is **%.1f×** the naive rate.%n%n", t1Rate / naiveRate)
                + String.format(Locale.ROOT, "Daily report over %,d archived events in %,d objects (%d days):%n%n",
                REPORT_EVENTS, full.filesRead(), DAYS)
                + "| report | files read | seconds |\n|---|---|---|\n"
                + String.format(Locale.ROOT, "| one day, pruned to its hour folders | %,d | %.2f |%n", pruned.filesRead(), prunedSeconds)
                + String.format(Locale.ROOT, "| one day, whole archive read (no pruning) | %,d | %.2f |%n", full.filesRead(), fullSeconds)
                + String.format(Locale.ROOT, "| seven days, pruned | %,d | %.2f |%n", week.filesRead(), weekSeconds)
                + String.format(Locale.ROOT, "%nPruning is **%.0f×** faster for one day.", fullSeconds / prunedSeconds);
        System.out.println(body);
        BenchmarkReport.replaceSection(report, "archive", body);
        System.exit(0);
    }

    /** Spools positions from..to in transactions of 500, as the archive processor's batches do. */
    private static void append(JdbcTransactions db, JdbcArchiveSpool spool, int from, int to, Random random) {
        for (int start = from; start <= to; start += 500) {
            int first = start;
            db.executeInTransaction(() -> {
                for (int p = first; p <= Math.min(to, first + 499); p++) {
                    spool.append(event(p, random));
                }
            });
        }
    }

    /** Event time grows with the store position, as it does for a stream, with up to a minute of jitter. */
    private static ArchiveRecord event(long position, Random random) {
        long span = DAYS * 24L * 3600;
        long total = Math.max(REPORT_EVENTS, THROUGHPUT_EVENTS);
        Instant time = START.plusSeconds(Math.min(span - 1, position * span / total + random.nextInt(60)));
        InvoiceNumber invoice = new InvoiceNumber("INV" + random.nextInt(100_000));
        ChangeIdentity change = new ChangeIdentity("evt-" + position, "shardId-0001",
                new SequenceNumber(String.format("%021d", position)), time);
        Money amount = Money.of(new BigDecimal(random.nextInt(1_000_000)).movePointLeft(2), Currency.getInstance("USD"));
        return ArchiveRecord.of(position, new InvoiceEvent.TransactionRecorded(invoice,
                new TransactionId("Client" + random.nextInt(1000) + "_trans" + position), amount,
                new CountryCode(List.of("USA", "UK", "China", "France").get(random.nextInt(4))), "06062016",
                InvoiceDocument.empty(), false, change));
    }
}
