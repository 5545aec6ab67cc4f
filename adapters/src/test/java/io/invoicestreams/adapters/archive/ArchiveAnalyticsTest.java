package io.invoicestreams.adapters.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB over the archive's gzip JSON lines: typed columns, pruned reports, and a locked sandbox for users' SQL. */
class ArchiveAnalyticsTest {

    @TempDir
    static Path folder;

    private static ArchiveAnalytics analytics;
    private static final Map<LocalDate, BigDecimal> sums = new TreeMap<>();
    private static final Map<LocalDate, BigDecimal> maxima = new TreeMap<>();
    private static final Map<LocalDate, Long> counts = new TreeMap<>();
    private static final Map<LocalDate, BigDecimal> nets = new TreeMap<>();
    private static final Map<LocalDate, Long> corrections = new TreeMap<>();
    private static final Map<LocalDate, Long> removals = new TreeMap<>();
    private static long lines;

    /** One archive of 3,000 changes over ten days, shared by the tests (they only read it). */
    @BeforeAll
    static void archive() {
        JdbcArchiveSpool spool = new JdbcArchiveSpool(TestDatabases.H2.fresh(), Clock.systemUTC());
        spool.createSchema();
        Random random = new Random(3);
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        for (long p = 1; p <= 3_000; p++) {
            Instant time = start.plusSeconds(random.nextInt(10 * 24 * 3600));
            BigDecimal amount = new BigDecimal(random.nextInt(100_000)).movePointLeft(2);
            InvoiceNumber invoice = new InvoiceNumber("INV" + random.nextInt(50));
            TransactionId transaction = new TransactionId("T" + p);
            ChangeIdentity change = new ChangeIdentity("evt-" + p, "s", new SequenceNumber(Long.toString(p)), time);
            LocalDate changed = LocalDate.ofInstant(time, ZoneOffset.UTC);
            if (p % 10 == 0) {
                spool.append(ArchiveRecord.of(p, new InvoiceEvent.TransactionRemoved(invoice, transaction,
                        Money.of(amount, java.util.Currency.getInstance("USD")), new CountryCode("USA"), change)));
                nets.merge(changed, amount.negate(), BigDecimal::add);
                removals.merge(changed, 1L, Long::sum);
            } else if (p % 10 == 5) {
                BigDecimal corrected = new BigDecimal(random.nextInt(100_000)).movePointLeft(2);
                spool.append(ArchiveRecord.of(p, new InvoiceEvent.TransactionAmountCorrected(invoice, transaction,
                        Money.of(amount, java.util.Currency.getInstance("USD")),
                        Money.of(corrected, java.util.Currency.getInstance("USD")), new CountryCode("USA"), change)));
                nets.merge(changed, corrected.subtract(amount), BigDecimal::add);
                corrections.merge(changed, 1L, Long::sum);
            } else {
                spool.append(ArchiveRecord.of(p, new InvoiceEvent.TransactionRecorded(invoice, transaction,
                        Money.of(amount, java.util.Currency.getInstance("USD")), new CountryCode("USA"), "06062016",
                        InvoiceDocument.empty(), false, change)));
                LocalDate day = LocalDate.ofInstant(time, ZoneOffset.UTC);
                sums.merge(day, amount, BigDecimal::add);
                nets.merge(day, amount, BigDecimal::add);
                maxima.merge(day, amount, BigDecimal::max);
                counts.merge(day, 1L, Long::sum);
            }
            lines++;
        }
        new ArchiveFlusher(spool, new LocalDirectoryArchive(folder),
                new ArchiveFlusher.Settings("Invoice/", 64 * 1024, Duration.ofSeconds(300)), Clock.systemUTC(),
                Duration.ofMillis(1)).flushAll();
        analytics = new ArchiveAnalytics(folder, "Invoice/");
    }

    @Test
    void sql_sees_every_archived_change_with_typed_columns() {
        ArchiveAnalytics.Result count = analytics.query("select count(*) as n, typeof(any_value(amountAfter)) as t,"
                + " typeof(any_value(time)) as ts from archive");

        assertThat(count.columns()).containsExactly("n", "t", "ts");
        assertThat(count.rows().getFirst()).containsExactly(lines, "DECIMAL(18,2)", "TIMESTAMP WITH TIME ZONE");
        assertThat(count.filesRead()).isEqualTo(analytics.files(null, null).size()).isGreaterThan(10);
    }

    @Test
    void the_daily_report_matches_sums_computed_here_and_reads_only_the_days_asked_for() {
        LocalDate from = LocalDate.parse("2026-11-03");
        LocalDate to = LocalDate.parse("2026-11-05");

        ArchiveAnalytics.DailyReport pruned = analytics.daily(from, to, true);
        ArchiveAnalytics.DailyReport full = analytics.daily(from, to, false);

        assertThat(pruned.days()).extracting(ArchiveAnalytics.Day::day).containsExactly(from, from.plusDays(1), to);
        for (ArchiveAnalytics.Day day : pruned.days()) {
            assertThat(day.sumAmount()).isEqualByComparingTo(sums.get(day.day()));
            assertThat(day.maxAmount()).isEqualByComparingTo(maxima.get(day.day()));
            assertThat(day.transactions()).isEqualTo(counts.get(day.day()));
            assertThat(day.currency()).isEqualTo("USD");
            assertThat(day.netAmount()).as("recorded + corrections - removals on " + day.day())
                    .isEqualByComparingTo(nets.get(day.day()));
            assertThat(day.corrections()).isEqualTo(corrections.get(day.day())).isPositive();
            assertThat(day.removals()).isEqualTo(removals.get(day.day())).isPositive();
        }
        BigDecimal threeDays = sums.get(from).add(sums.get(from.plusDays(1))).add(sums.get(to));
        assertThat(pruned.days().getLast().runRate()).isEqualByComparingTo(
                threeDays.divide(BigDecimal.valueOf(3), 2, java.math.RoundingMode.HALF_EVEN));
        assertThat(full.days()).isEqualTo(pruned.days());
        assertThat(pruned.filesRead()).isLessThan(full.filesRead()).isEqualTo(analytics.files(from, to).size());
    }

    @Test
    void sql_over_a_range_of_days_sees_exactly_those_days_and_reads_only_their_folders() {
        LocalDate from = LocalDate.parse("2026-11-04");
        LocalDate to = LocalDate.parse("2026-11-05");

        ArchiveAnalytics.Result ranged = analytics.query("select count(*) filter (where eventType = 'TransactionRecorded'),"
                + " min(time) >= timestamptz '2026-11-04 00:00:00+00', max(time) < timestamptz '2026-11-06 00:00:00+00'"
                + " from archive", from, to);

        assertThat(ranged.rows().getFirst()).containsExactly(counts.get(from) + counts.get(to), true, true);
        assertThat(ranged.filesRead()).isEqualTo(analytics.files(from, to).size())
                .isLessThan(analytics.files(null, null).size());
        assertThatThrownBy(() -> analytics.query("select 1", to, from)).hasMessageContaining("is before");
    }

    @Test
    void by_invoice_date_each_change_counts_on_its_transactions_invoice_date_as_of_that_change(@TempDir Path own) {
        JdbcArchiveSpool spool = new JdbcArchiveSpool(TestDatabases.H2.fresh(), Clock.systemUTC());
        spool.createSchema();
        java.util.Currency usd = java.util.Currency.getInstance("USD");
        InvoiceNumber invoice = new InvoiceNumber("9000001");
        CountryCode usa = new CountryCode("USA");
        long[] p = {0};
        java.util.function.Function<Integer, ChangeIdentity> at = day -> new ChangeIdentity("e" + ++p[0], "s",
                new SequenceNumber(Long.toString(p[0])), Instant.parse("2026-11-20T10:00:00Z").plus(Duration.ofDays(day)));
        TransactionId a = new TransactionId("A");
        TransactionId b = new TransactionId("B");
        TransactionId c = new TransactionId("C");
        // A: dated 2016-06-06 (the seed's MMDDYYYY), recorded at 100, corrected to 70, later removed.
        spool.append(ArchiveRecord.of(++p[0], new InvoiceEvent.TransactionRecorded(invoice, a, Money.of("100", "USD"),
                usa, "06062016", InvoiceDocument.empty(), false, at.apply(0))));
        spool.append(ArchiveRecord.of(++p[0], new InvoiceEvent.TransactionAmountCorrected(invoice, a,
                Money.of("100", "USD"), Money.of("70", "USD"), usa, at.apply(1))));
        // B: dated 2016-06-06 in ISO form, recorded at 40; its date then moves to 2016-06-07, and its removal counts there.
        spool.append(ArchiveRecord.of(++p[0], new InvoiceEvent.TransactionRecorded(invoice, b, Money.of("40", "USD"),
                usa, "2016-06-06", InvoiceDocument.empty(), false, at.apply(0))));
        spool.append(ArchiveRecord.of(++p[0], new InvoiceEvent.TransactionInvoiceDateChanged(invoice, b, "2016-06-06",
                "2016-06-07", at.apply(2))));
        spool.append(ArchiveRecord.of(++p[0], new InvoiceEvent.TransactionRemoved(invoice, b, Money.of("40", "USD"),
                usa, at.apply(3))));
        spool.append(ArchiveRecord.of(++p[0], new InvoiceEvent.TransactionRemoved(invoice, a, Money.of("70", "USD"),
                usa, at.apply(4))));
        // C: no date that reads as one: in no day, and counted as undated.
        spool.append(ArchiveRecord.of(++p[0], new InvoiceEvent.TransactionRecorded(invoice, c, Money.of("5", "USD"),
                usa, "sometime", InvoiceDocument.empty(), false, at.apply(0))));
        new ArchiveFlusher(spool, new LocalDirectoryArchive(own), new ArchiveFlusher.Settings("Invoice/", 64 * 1024,
                Duration.ofSeconds(300)), Clock.systemUTC(), Duration.ofMillis(1)).flushAll();
        // A new store archives into the same folder a week later: its positions start again at 1, and its transaction
        // D (dated 2016-06-06) must neither mix with A, whose position it repeats, nor count twice.
        JdbcArchiveSpool newStore = new JdbcArchiveSpool(TestDatabases.H2.fresh(), Clock.systemUTC());
        newStore.createSchema();
        newStore.append(ArchiveRecord.of(1, new InvoiceEvent.TransactionRecorded(invoice, new TransactionId("D"),
                Money.of("8", "USD"), usa, "06062016", InvoiceDocument.empty(), false, at.apply(7))));
        new ArchiveFlusher(newStore, new LocalDirectoryArchive(own), new ArchiveFlusher.Settings("Invoice/", 64 * 1024,
                Duration.ofSeconds(300)), Clock.systemUTC(), Duration.ofMillis(1)).flushAll();
        ArchiveAnalytics own2016 = new ArchiveAnalytics(own, "Invoice/");

        ArchiveAnalytics.DailyReport report = own2016.daily(LocalDate.parse("2016-06-01"),
                LocalDate.parse("2016-06-30"), true, ArchiveAnalytics.DayBy.INVOICE_DATE);

        assertThat(report.days()).extracting(d -> d.day().toString(), d -> d.transactions(), d -> d.sumAmount(),
                        d -> d.netAmount(), d -> d.corrections(), d -> d.removals())
                .containsExactly(
                        // 100 + 40 + 8 recorded, -30 corrected, -70 removed (A)
                        org.assertj.core.groups.Tuple.tuple("2016-06-06", 3L, new BigDecimal("148.00"),
                                new BigDecimal("48.00"), 1L, 1L),
                        // B's removal, after its date moved
                        org.assertj.core.groups.Tuple.tuple("2016-06-07", 0L, new BigDecimal("0.00"),
                                new BigDecimal("-40.00"), 0L, 1L));
        assertThat(report.undated()).isEqualTo(1);
        assertThat(report.filesRead()).as("every object: a date may have been written on any day").isPositive();
        // By the change's day, the same changes fall on the days they happened.
        ArchiveAnalytics.DailyReport byChange = own2016.daily(LocalDate.parse("2026-11-20"),
                LocalDate.parse("2026-11-24"), true, ArchiveAnalytics.DayBy.CHANGE);
        assertThat(byChange.days()).extracting(d -> d.day().toString(), d -> d.netAmount())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("2026-11-20", new BigDecimal("145.00")),
                        org.assertj.core.groups.Tuple.tuple("2026-11-21", new BigDecimal("-30.00")),
                        org.assertj.core.groups.Tuple.tuple("2026-11-23", new BigDecimal("-40.00")),
                        org.assertj.core.groups.Tuple.tuple("2026-11-24", new BigDecimal("-70.00")));
        assertThat(byChange.undated()).isZero();
    }

    @Test
    void the_run_rate_is_the_average_daily_amount_over_the_last_days() {
        ArchiveAnalytics.RunRate rate = analytics.runRate(4, LocalDate.parse("2026-11-10"));

        BigDecimal total = sums.entrySet().stream().filter(e -> !e.getKey().isBefore(LocalDate.parse("2026-11-07")))
                .map(Map.Entry::getValue).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(rate.rates()).singleElement().satisfies(r -> {
            assertThat(r.total()).isEqualByComparingTo(total);
            assertThat(r.averageDailyAmount()).isEqualByComparingTo(
                    total.divide(BigDecimal.valueOf(4), 2, java.math.RoundingMode.HALF_EVEN));
        });
        assertThat(rate.from()).isEqualTo(LocalDate.parse("2026-11-07"));
    }

    @Test
    void sql_that_reaches_outside_the_archive_or_changes_something_is_refused() {
        assertThatThrownBy(() -> analytics.query("copy archive to '/tmp/x.csv'"))
                .isInstanceOf(ArchiveAnalytics.RefusedQuery.class).hasMessageContaining("only SELECT");
        assertThatThrownBy(() -> analytics.query("select * from read_csv('/etc/passwd')"))
                .isInstanceOf(ArchiveAnalytics.RefusedQuery.class).hasMessageContaining("file function");
        assertThatThrownBy(() -> analytics.query("select 1; attach 'x.db'"))
                .isInstanceOf(ArchiveAnalytics.RefusedQuery.class).hasMessageContaining("exactly one SELECT");
        assertThatThrownBy(() -> analytics.query("create table t as select 1"))
                .isInstanceOf(ArchiveAnalytics.RefusedQuery.class);
        // Past the word check, DuckDB itself is locked: with external access on, DuckDB would read the file as a
        // table (a replacement scan); locked, the name is only a missing table.
        assertThatThrownBy(() -> analytics.query("select * from '/etc/passwd'"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the query failed: Catalog Error: Table with name /etc/passwd does not exist");
        assertThat(analytics.query("select count(*) from archive where eventType = 'TransactionRemoved'").rows()
                .getFirst().getFirst()).isEqualTo(300L);
    }

    @Test
    void an_empty_archive_answers_with_no_rows() {
        ArchiveAnalytics empty = new ArchiveAnalytics(folder.resolve("none"), "Invoice/");
        assertThat(empty.query("select count(*) from archive").rows().getFirst().getFirst()).isEqualTo(0L);
        assertThat(empty.daily(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02"), true).days()).isEmpty();
    }

    /** A query that runs for minutes: ten billion rows summed, with no file read. */
    private static final String ENDLESS = "select sum(i) from range(10000000000) t(i)";

    @Test
    void a_query_past_its_time_is_cancelled_with_a_clear_refusal_and_the_next_query_runs() {
        ArchiveAnalytics limited = analytics.withLimits(new ArchiveAnalytics.Limits("512MB", 1,
                Duration.ofMillis(300), 2));
        long started = System.nanoTime();
        assertThatThrownBy(() -> limited.query(ENDLESS)).isInstanceOf(ArchiveAnalytics.TooHeavy.class)
                .hasMessageContaining("ran longer than 300 ms").hasMessageContaining("cancelled");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("cancelled, not run to its end")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(analytics.query("select count(*) from archive where eventType = 'TransactionRemoved'").rows()
                .getFirst().getFirst()).isEqualTo(300L);
    }

    @Test
    void a_query_over_its_memory_is_refused_and_not_blamed_on_the_caller() {
        ArchiveAnalytics small = analytics.withLimits(new ArchiveAnalytics.Limits("1MB", 1, Duration.ofSeconds(30), 2));
        assertThatThrownBy(() -> small.query("select string_agg(document::varchar, ',') from archive a,"
                + " archive b")).isInstanceOf(ArchiveAnalytics.TooHeavy.class)
                .hasMessageContaining("more memory than its limit (1MB)");
    }

    @Test
    void one_query_more_than_allowed_at_once_is_refused_at_once() throws Exception {
        ArchiveAnalytics one = analytics.withLimits(new ArchiveAnalytics.Limits("512MB", 1, Duration.ofSeconds(5), 1));
        java.util.concurrent.CompletableFuture<Throwable> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        one.query(ENDLESS);
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> one.running() == 1);
        assertThatThrownBy(() -> one.query("select 1")).isInstanceOf(ArchiveAnalytics.TooHeavy.class)
                .hasMessage("1 archive queries run now, as many as allowed; try again shortly");
        assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(ArchiveAnalytics.TooHeavy.class);
        assertThat(one.running()).isZero();
        assertThat(one.query("select 42").rows().getFirst().getFirst()).isEqualTo(42);
    }

    @Test
    void limits_outside_their_range_are_refused() {
        assertThatThrownBy(() -> new ArchiveAnalytics.Limits("lots", 1, Duration.ofSeconds(1), 1))
                .hasMessageContaining("a number with KB, MB or GB, was 'lots'");
        assertThatThrownBy(() -> new ArchiveAnalytics.Limits("1GB", 0, Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
