package io.invoicestreams.adapters.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Ad hoc SQL and reports over the local archive with DuckDB: the gzip JSON lines are read into a table
 * {@code archive} with typed columns (money {@code DECIMAL(18,2)}, times {@code TIMESTAMPTZ} in UTC). Reports read
 * only the hour folders of the days they cover. Users' SQL runs after external access is switched off and the
 * configuration locked, so it can read the {@code archive} table and nothing else.
 */
public final class ArchiveAnalytics {

    /** The archive's columns, as the archive lines write them. */
    static final String COLUMNS = "{position: 'BIGINT', eventType: 'VARCHAR', invoiceNumber: 'VARCHAR',"
            + " transactionId: 'VARCHAR', amountBefore: 'DECIMAL(18,2)', amountAfter: 'DECIMAL(18,2)',"
            + " currency: 'VARCHAR', country: 'VARCHAR', previousCountry: 'VARCHAR', invoiceDate: 'VARCHAR',"
            + " document: 'JSON', verifier: 'VARCHAR', eventId: 'VARCHAR', shardId: 'VARCHAR', sequence: 'VARCHAR',"
            + " time: 'TIMESTAMPTZ'}";

    /** Clear refusals for what the locked DuckDB would refuse anyway: commands and file functions. */
    private static final Pattern REFUSED = Pattern.compile("(?is).*\\b(attach|detach|copy|export|import|install|load"
            + "|pragma|checkpoint|read_\\w+|glob|\\w+_scan)\\b.*");

    /** A query's answer. */
    public record Result(List<String> columns, List<List<Object>> rows, int filesRead) {
    }

    /**
     * One day of the daily report, per currency.
     *
     * @param transactions new transactions (recorded that day)
     * @param maxAmount    the largest amount of a new transaction; null on a day with none
     * @param sumAmount    the sum of the new transactions' amounts
     * @param runRate      the average daily {@code sumAmount} from the report's first day to this one
     * @param netAmount    how the day moved the invoices' totals: new transactions, plus each correction's
     *                     difference, minus what removals and expiries took away
     * @param corrections  amounts corrected that day
     * @param removals     transactions removed or expired that day
     */
    public record Day(LocalDate day, String currency, long transactions, BigDecimal maxAmount, BigDecimal sumAmount,
                      BigDecimal runRate, BigDecimal netAmount, long corrections, long removals) {
    }

    /**
     * @param by      what a change's day is: the change's time, or its transaction's {@code Invoice_dt}
     * @param undated with {@code by} the invoice date, the changes of money whose transaction has no invoice date
     *                that reads as {@code YYYY-MM-DD} or {@code MMDDYYYY}; they are in no day
     */
    public record DailyReport(LocalDate from, LocalDate to, DayBy by, List<Day> days, long undated, int filesRead) {
    }

    /** What the day of a change is in the daily report. */
    public enum DayBy {
        /** The day the change happened (the stream record's time), UTC. */
        CHANGE,
        /**
         * The {@code Invoice_dt} of the change's transaction, as the archive holds it at that change: {@code
         * YYYY-MM-DD} or {@code MMDDYYYY} (the seed's {@code 06062016}). Every object is read, since a transaction's
         * invoice date may have been written on any earlier day.
         */
        INVOICE_DATE
    }

    /** The changes that move money, with the amount each adds to its invoice's total. */
    private static final String MONEY_CHANGES = """
            SELECT *, CASE eventType
                        WHEN 'TransactionRecorded' THEN amountAfter
                        WHEN 'TransactionAmountCorrected' THEN amountAfter - amountBefore
                        ELSE -amountBefore END AS moved
            FROM archive
            WHERE eventType IN ('TransactionRecorded', 'TransactionAmountCorrected', 'TransactionRemoved',
                                'TransactionExpired') AND currency IS NOT NULL""";

    /**
     * Each change of money with the day of its transaction's invoice date as of that change: the newest date written
     * on the transaction up to it, in the order the changes happened (the store's position breaks ties of time, and
     * time orders an archive that spans a new store, whose positions start again).
     */
    private static final String INVOICE_DAYS = """
            WITH dated AS (
                SELECT *, last_value(invoiceDate IGNORE NULLS) OVER (PARTITION BY invoiceNumber, transactionId
                          ORDER BY time, position ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS transactionDate
                FROM archive)
            SELECT *, CAST(COALESCE(TRY_STRPTIME(transactionDate, '%Y-%m-%d'),
                                    TRY_STRPTIME(transactionDate, '%m%d%Y')) AS DATE) AS day
            FROM (MONEY_CHANGES)""".replace("MONEY_CHANGES", MONEY_CHANGES.replace("FROM archive", "FROM dated"));

    /** The average daily amount of new transactions over {@code days} days, per currency. */
    public record RunRate(LocalDate from, LocalDate to, int days, List<CurrencyRate> rates, int filesRead) {
    }

    public record CurrencyRate(String currency, BigDecimal averageDailyAmount, BigDecimal total, long transactions) {
    }

    /** SQL that would reach outside the archive, or change something. */
    public static final class RefusedQuery extends IllegalArgumentException {
        public RefusedQuery(String message) {
            super(message);
        }
    }

    /** Where the archive's objects are read from, as local files: the folder itself, or a cache of S3. */
    @FunctionalInterface
    public interface Source {
        /** The objects of the days from..to (both null: all of them), as local files. */
        List<Path> files(LocalDate from, LocalDate to);
    }

    /**
     * What one query may use, so that a heavy one (ten years, a cross join) cannot take the service with it.
     *
     * @param memoryLimit DuckDB's {@code memory_limit} per query, such as {@code 512MB}
     * @param threads     DuckDB's threads per query
     * @param timeout     the longest a query (with loading its days) may run before it is cancelled
     * @param concurrent  queries at once; one more is refused at once
     */
    public record Limits(String memoryLimit, int threads, java.time.Duration timeout, int concurrent) {
        public Limits {
            if (memoryLimit == null || !memoryLimit.matches("\\d{1,6}\\s?(KB|MB|GB)")) {
                throw new IllegalArgumentException("the memory limit must be a number with KB, MB or GB, was '"
                        + memoryLimit + "'");
            }
            if (threads < 1 || concurrent < 1 || timeout == null || !timeout.isPositive()) {
                throw new IllegalArgumentException("threads, concurrent queries and the timeout must be positive");
            }
        }

        public static Limits defaults() {
            return new Limits("512MB", 1, java.time.Duration.ofSeconds(30), 2);
        }
    }

    /** The query asked for more than its limits allow now: too long, too much memory, or too many at once. */
    public static final class TooHeavy extends RuntimeException {
        public TooHeavy(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("archive-query-timer").factory());

    private final Source source;
    private final Limits limits;
    private final java.util.concurrent.Semaphore running;

    /** Over a local archive folder; {@code prefix} is the objects' key prefix, such as {@code Invoice/}. */
    public ArchiveAnalytics(Path root, String prefix) {
        this(local(root, prefix));
    }

    public ArchiveAnalytics(Source source) {
        this(source, Limits.defaults());
    }

    public ArchiveAnalytics(Source source, Limits limits) {
        this.source = Objects.requireNonNull(source, "source");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.running = new java.util.concurrent.Semaphore(limits.concurrent());
    }

    /** Queries running now. */
    public int running() {
        return limits.concurrent() - running.availablePermits();
    }

    /** The same archive under other limits. */
    public ArchiveAnalytics withLimits(Limits other) {
        return new ArchiveAnalytics(source, other);
    }

    /** Runs one read-only SELECT (or WITH … SELECT) over the whole archive. */
    public Result query(String sql) {
        return query(sql, null, null);
    }

    /**
     * Runs one read-only SELECT (or WITH … SELECT) over the days from..to (UTC) of the archive, or over all of it
     * when both are null. Only those days' hour folders are read: an object holds the events of one hour.
     */
    public Result query(String sql, LocalDate from, LocalDate to) {
        if ((from == null) != (to == null)) {
            throw new IllegalArgumentException("give both days of the range, or neither");
        }
        if (from != null && to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        String statement = sql == null ? "" : sql.strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).strip();
        }
        if (statement.isEmpty() || statement.contains(";")) {
            throw new RefusedQuery("give exactly one SELECT statement");
        }
        if (!statement.toLowerCase(Locale.ROOT).matches("(?s)^(select|with)\\b.*")) {
            throw new RefusedQuery("only SELECT (or WITH … SELECT) is allowed; the archive is read-only");
        }
        if (REFUSED.matcher(statement).matches()) {
            throw new RefusedQuery("the query uses a command or file function that is not allowed (COPY, ATTACH,"
                    + " INSTALL, LOAD, PRAGMA, glob, read_* and *_scan); query the table 'archive' only");
        }
        List<Path> files = files(from, to);
        return run(files, statement, List.of());
    }

    /** As {@link #daily(LocalDate, LocalDate, boolean, DayBy)}, by the day of the change. */
    public DailyReport daily(LocalDate from, LocalDate to, boolean prune) {
        return daily(from, to, prune, DayBy.CHANGE);
    }

    /**
     * Per day and currency: the new transactions with their count, largest amount and sum, and the running average
     * of the daily sums; the corrections and removals (expiries included); and the net amount the day moved.
     *
     * @param prune read only the objects of the days asked for (by the day of the change only)
     */
    public DailyReport daily(LocalDate from, LocalDate to, boolean prune, DayBy by) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        String days = switch (by) {
            case CHANGE -> "SELECT *, CAST(time AS DATE) AS day FROM (" + MONEY_CHANGES + ")";
            case INVOICE_DATE -> INVOICE_DAYS;
        };
        List<Path> files = prune && by == DayBy.CHANGE ? files(from, to) : files(null, null);
        Result result = run(files, """
                WITH days AS (DAYS)
                SELECT day, currency,
                       COUNT(*) FILTER (WHERE eventType = 'TransactionRecorded') AS transactions,
                       MAX(amountAfter) FILTER (WHERE eventType = 'TransactionRecorded') AS max_amount,
                       COALESCE(SUM(amountAfter) FILTER (WHERE eventType = 'TransactionRecorded'), 0) AS sum_amount,
                       SUM(moved) AS net_amount,
                       COUNT(*) FILTER (WHERE eventType = 'TransactionAmountCorrected') AS corrections,
                       COUNT(*) FILTER (WHERE eventType IN ('TransactionRemoved', 'TransactionExpired')) AS removals,
                       COUNT(*) AS changes
                FROM days
                WHERE day BETWEEN ? AND ? OR day IS NULL
                GROUP BY day, currency ORDER BY currency, day""".replace("DAYS", days), List.of(from, to));
        List<Day> report = new ArrayList<>();
        String currency = null;
        BigDecimal running = BigDecimal.ZERO;
        long undated = 0;
        for (List<Object> row : result.rows()) {
            LocalDate day = (LocalDate) row.get(0);
            if (day == null) {
                undated += ((Number) row.get(8)).longValue(); // no invoice date that reads as a date
                continue;
            }
            if (!row.get(1).equals(currency)) {
                currency = (String) row.get(1);
                running = BigDecimal.ZERO;
            }
            BigDecimal sum = (BigDecimal) row.get(4);
            running = running.add(sum);
            long elapsed = day.toEpochDay() - from.toEpochDay() + 1;
            report.add(new Day(day, currency, ((Number) row.get(2)).longValue(), (BigDecimal) row.get(3), sum,
                    running.divide(BigDecimal.valueOf(elapsed), 2, RoundingMode.HALF_EVEN), (BigDecimal) row.get(5),
                    ((Number) row.get(6)).longValue(), ((Number) row.get(7)).longValue()));
        }
        return new DailyReport(from, to, by, report, undated, result.filesRead());
    }

    /** The average daily amount of new transactions over the {@code days} days ending with {@code today}. */
    public RunRate runRate(int days, LocalDate today) {
        if (days < 1 || days > 3660) {
            throw new IllegalArgumentException("days must be 1 to 3660, was " + days);
        }
        LocalDate from = today.minusDays(days - 1L);
        Result result = run(files(from, today), """
                SELECT currency, SUM(amountAfter) AS total, COUNT(*) AS transactions
                FROM archive
                WHERE eventType = 'TransactionRecorded' AND CAST(time AS DATE) BETWEEN ? AND ?
                GROUP BY ALL ORDER BY currency""", List.of(from, today));
        List<CurrencyRate> rates = result.rows().stream().map(r -> new CurrencyRate((String) r.get(0),
                ((BigDecimal) r.get(1)).divide(BigDecimal.valueOf(days), 2, RoundingMode.HALF_EVEN),
                (BigDecimal) r.get(1), ((Number) r.get(2)).longValue())).toList();
        return new RunRate(from, today, days, rates, result.filesRead());
    }

    /** The archive's objects, all of them or only those under the hour folders of the days from..to. */
    List<Path> files(LocalDate from, LocalDate to) {
        return source.files(from, to);
    }

    /** The key prefixes of the days from..to: {@code Invoice/2026/11/24/}. */
    public static List<String> dayPrefixes(String prefix, LocalDate from, LocalDate to) {
        List<String> prefixes = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            prefixes.add(prefix + String.format("%04d/%02d/%02d/", d.getYear(), d.getMonthValue(), d.getDayOfMonth()));
        }
        return prefixes;
    }

    static Source local(Path root, String prefix) {
        return (from, to) -> localFiles(root, prefix, from, to);
    }

    private static List<Path> localFiles(Path root, String prefix, LocalDate from, LocalDate to) {
        Path base = root.resolve(prefix);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<Path> folders = new ArrayList<>();
        if (from == null) {
            folders.add(base);
        } else {
            for (String day : dayPrefixes("", from, to)) {
                if (Files.isDirectory(base.resolve(day))) {
                    folders.add(base.resolve(day));
                }
            }
        }
        List<Path> files = new ArrayList<>();
        for (Path folder : folders) {
            try (Stream<Path> walk = Files.walk(folder)) {
                walk.filter(p -> p.getFileName().toString().endsWith(".json.gz")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + folder, e);
            }
        }
        return files;
    }

    /**
     * An in-memory DuckDB. The driver is called directly: DriverManager hides a driver that another class loader
     * registered (a second Quarkus application in one JVM, as in tests). Not being able to open DuckDB is the
     * service's failure, not the query's.
     */
    private static Connection openDuckDb() {
        try {
            Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
            if (duck == null) {
                throw new IllegalStateException("the DuckDB driver refused the URL jdbc:duckdb:");
            }
            return duck;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open DuckDB: " + e.getMessage(), e);
        }
    }

    private Result run(List<Path> files, String sql, List<Object> parameters) {
        if (!running.tryAcquire()) {
            throw new TooHeavy(limits.concurrent() + " archive queries run now, as many as allowed; try again"
                    + " shortly", null);
        }
        java.util.concurrent.atomic.AtomicReference<Statement> current = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> deadline = TIMER.schedule(() -> {
            timedOut.set(true);
            Statement statement = current.get();
            if (statement != null) {
                try {
                    statement.cancel();
                } catch (SQLException ignored) {
                    // it ended meanwhile
                }
            }
        }, limits.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try (Connection duck = openDuckDb()) {
            try (Statement s = duck.createStatement()) {
                current.set(s);
                s.execute("SET TimeZone = 'UTC'");
                s.execute("SET memory_limit = '" + limits.memoryLimit() + "'");
                s.execute("SET threads = " + limits.threads());
                if (files.isEmpty()) {
                    s.execute("CREATE TABLE archive (" + COLUMNS.substring(1, COLUMNS.length() - 1)
                            .replaceAll("(\\w+): '([^']+)'", "\"$1\" $2") + ")");
                } else {
                    StringBuilder list = new StringBuilder("[");
                    for (int i = 0; i < files.size(); i++) {
                        list.append(i == 0 ? "" : ", ").append('\'')
                                .append(files.get(i).toAbsolutePath().toString().replace("'", "''")).append('\'');
                    }
                    s.execute("CREATE TABLE archive AS SELECT * FROM read_json(" + list + "], format ="
                            + " 'newline_delimited', compression = 'gzip', columns = " + COLUMNS + ")");
                }
                s.execute("SET enable_external_access = false");
                s.execute("SET lock_configuration = true");
            }
            try (PreparedStatement ps = duck.prepareStatement(sql)) {
                current.set(ps);
                if (timedOut.get()) {
                    throw new SQLException("INTERRUPT: the deadline passed while the archive was loaded");
                }
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    List<String> columns = new ArrayList<>();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        columns.add(meta.getColumnLabel(c));
                    }
                    List<List<Object>> rows = new ArrayList<>();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>(columns.size());
                        for (int c = 1; c <= columns.size(); c++) {
                            Object value = rs.getObject(c);
                            row.add(value instanceof java.sql.Date date ? date.toLocalDate() : value);
                        }
                        rows.add(row);
                    }
                    return new Result(columns, rows, files.size());
                }
            }
        } catch (SQLException e) {
            String first = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            if (timedOut.get()) {
                throw new TooHeavy("the query ran longer than " + limits.timeout().toMillis() + " ms over "
                        + files.size() + " archive files and was cancelled; narrow its days or its work", e);
            }
            if (first.contains("Out of Memory")) {
                throw new TooHeavy("the query needs more memory than its limit (" + limits.memoryLimit() + ") over "
                        + files.size() + " archive files; narrow its days or its work", e);
            }
            throw new IllegalArgumentException("the query failed: " + first, e);
        } finally {
            deadline.cancel(false);
            running.release();
        }
    }
}
