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
            if (p % 10 == 0) {
                spool.append(ArchiveRecord.of(p, new InvoiceEvent.TransactionRemoved(invoice, transaction,
                        Money.of(amount, java.util.Currency.getInstance("USD")), new CountryCode("USA"), change)));
            } else {
                spool.append(ArchiveRecord.of(p, new InvoiceEvent.TransactionRecorded(invoice, transaction,
                        Money.of(amount, java.util.Currency.getInstance("USD")), new CountryCode("USA"), "06062016",
                        InvoiceDocument.empty(), false, change)));
                LocalDate day = LocalDate.ofInstant(time, ZoneOffset.UTC);
                sums.merge(day, amount, BigDecimal::add);
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
