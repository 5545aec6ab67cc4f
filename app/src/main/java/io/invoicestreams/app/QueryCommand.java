package io.invoicestreams.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.archive.ArchiveAnalytics;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code query --sql "SELECT …" [--format table|csv|json]} and {@code report daily|run-rate …}: read-only SQL and
 * the built-in reports over the audit archive, with DuckDB. They read the archive's files only, so they run next to
 * a running service.
 */
@ApplicationScoped
public class QueryCommand {

    static final String USAGE = """
            Usage: invoice-streams query --sql "SELECT …" [--from YYYY-MM-DD [--to YYYY-MM-DD]] [--format table|csv|json]
                   invoice-streams report daily --from YYYY-MM-DD --to YYYY-MM-DD [--by change|invoice-date]
                                                [--format table|csv|json]
                   invoice-streams report run-rate --days N [--format table|csv|json]

            Runs read-only SQL over the audit archive as the table 'archive' (typed columns: amounts DECIMAL(18,2),
            time TIMESTAMPTZ in UTC), or one of the built-in reports, which read only the days they cover.
            With --from (and --to, which defaults to today, UTC) the table holds only those days' events, and only
            their hour folders are read; without them it holds the whole archive.
            The daily report gives per day and currency the new transactions (count, largest, sum, running average),
            the corrections and removals (expiries included), and the net amount the day moved the totals by. With
            --by invoice-date a change counts on its transaction's Invoice_dt (YYYY-MM-DD or MMDDYYYY) instead of the
            day it happened; that reads the whole archive.
            Commands, DDL, COPY, ATTACH and file functions are refused.

            Examples:
              query --sql "select eventType, count(*) from archive group by all"
              query --sql "select * from archive where invoiceNumber = '1212121'" --from 2026-11-01 --to 2026-11-30
              report daily --from 2026-11-01 --to 2026-11-30 --format csv
              report run-rate --days 7
            """;

    private static final String QUERY = "query";

    private final ArchiveAnalytics analytics;
    private final ObjectMapper json;

    QueryCommand(ArchiveAnalytics analytics, ObjectMapper json) {
        this.analytics = analytics;
        this.json = json;
    }

    /** The parsed command line; checked before anything starts. */
    record Request(String kind, String sql, LocalDate from, LocalDate to, int days, String format,
                   ArchiveAnalytics.DayBy by) {
        Request(String kind, String sql, LocalDate from, LocalDate to, int days, String format) {
            this(kind, sql, from, to, days, format, ArchiveAnalytics.DayBy.CHANGE);
        }
    }

    /** {@code change} (also when absent) or {@code invoice-date}; {@code name} is the option or parameter. */
    static ArchiveAnalytics.DayBy dayBy(String name, String value) {
        return switch (value == null ? "change" : value.strip()) {
            case "change" -> ArchiveAnalytics.DayBy.CHANGE;
            case "invoice-date" -> ArchiveAnalytics.DayBy.INVOICE_DATE;
            default -> throw new IllegalArgumentException(name + " must be change or invoice-date, was '"
                    + io.invoicestreams.domain.Texts.abbreviate(value) + "'");
        };
    }

    /** Parses {@code args} (starting with query or report); throws IllegalArgumentException with a one-line reason. */
    static Request parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                options.put(args[i], args[++i]);
            } else {
                words.add(args[i]);
            }
        }
        String format = options.getOrDefault("--format", "table");
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new IllegalArgumentException("--format must be table, csv or json, was '" + format + "'");
        }
        if (args[0].equals(QUERY)) {
            known(options, "--sql", "--from", "--to", "--format");
            if (!words.isEmpty() || !options.containsKey("--sql")) {
                throw new IllegalArgumentException("query needs --sql \"SELECT …\"");
            }
            if (options.containsKey("--to") && !options.containsKey("--from")) {
                throw new IllegalArgumentException("--to needs --from");
            }
            LocalDate from = options.containsKey("--from") ? date(options, "--from") : null;
            LocalDate to = options.containsKey("--to") ? date(options, "--to")
                    : from == null ? null : LocalDate.now(ZoneOffset.UTC);
            if (from != null && to.isBefore(from)) {
                throw new IllegalArgumentException("--to " + to + " is before --from " + from);
            }
            return new Request(QUERY, options.get("--sql"), from, to, 0, format);
        }
        if (words.equals(List.of("daily"))) {
            known(options, "--from", "--to", "--format", "--by");
            ArchiveAnalytics.DayBy by = dayBy("--by", options.get("--by"));
            LocalDate from = date(options, "--from");
            LocalDate to = date(options, "--to");
            if (to.isBefore(from)) {
                throw new IllegalArgumentException("--to " + to + " is before --from " + from);
            }
            return new Request("daily", null, from, to, 0, format, by);
        }
        if (words.equals(List.of("run-rate"))) {
            known(options, "--days", "--format");
            String days = options.get("--days");
            if (days == null || !days.matches("\\d{1,4}") || Integer.parseInt(days) < 1) {
                throw new IllegalArgumentException("run-rate needs --days N, a whole number from 1");
            }
            return new Request("run-rate", null, null, null, Integer.parseInt(days), format);
        }
        throw new IllegalArgumentException("report needs daily or run-rate");
    }

    private static void known(Map<String, String> options, String... allowed) {
        for (String option : options.keySet()) {
            if (!List.of(allowed).contains(option)) {
                throw new IllegalArgumentException("unknown option " + option);
            }
        }
    }

    private static LocalDate date(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("daily needs " + name + " YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date YYYY-MM-DD, was '" + value + "'");
        }
    }

    int run(Request request, PrintStream out, PrintStream err) {
        try {
            ArchiveAnalytics.Result result = switch (request.kind()) {
                case QUERY -> analytics.query(request.sql(), request.from(), request.to());
                case "daily" -> table(analytics.daily(request.from(), request.to(), true, request.by()));
                default -> table(analytics.runRate(request.days(), LocalDate.now(ZoneOffset.UTC)));
            };
            out.print(render(result, request.format()));
            err.println(result.rows().size() + " rows; " + result.filesRead() + " archive files read");
            return 0;
        } catch (IllegalArgumentException | ArchiveAnalytics.TooHeavy e) {
            err.println("invoice-streams: " + request.kind() + ": " + e.getMessage());
            return 1;
        }
    }

    static ArchiveAnalytics.Result table(ArchiveAnalytics.DailyReport report) {
        List<List<Object>> rows = new ArrayList<>();
        for (ArchiveAnalytics.Day d : report.days()) {
            rows.add(java.util.Arrays.asList(d.day(), d.currency(), d.transactions(), d.maxAmount(), d.sumAmount(),
                    d.runRate(), d.corrections(), d.removals(), d.netAmount()));
        }
        return new ArchiveAnalytics.Result(List.of("day", "currency", "transactions", "max_amount", "sum_amount",
                "run_rate", "corrections", "removals", "net_amount"), rows, report.filesRead());
    }

    static ArchiveAnalytics.Result table(ArchiveAnalytics.RunRate rate) {
        List<List<Object>> rows = new ArrayList<>();
        for (ArchiveAnalytics.CurrencyRate r : rate.rates()) {
            rows.add(List.of(rate.from(), rate.to(), r.currency(), r.transactions(), r.total(),
                    r.averageDailyAmount()));
        }
        return new ArchiveAnalytics.Result(List.of("from", "to", "currency", "transactions", "total",
                "average_daily_amount"), rows, rate.filesRead());
    }

    String render(ArchiveAnalytics.Result result, String format) {
        return switch (format) {
            case "csv" -> {
                StringBuilder csv = new StringBuilder(String.join(",", result.columns().stream().map(QueryCommand::csv)
                        .toList())).append('\n');
                for (List<Object> row : result.rows()) {
                    csv.append(String.join(",", row.stream().map(v -> csv(text(v))).toList())).append('\n');
                }
                yield csv.toString();
            }
            case "json" -> {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (List<Object> row : result.rows()) {
                    Map<String, Object> object = new LinkedHashMap<>();
                    for (int i = 0; i < row.size(); i++) {
                        Object v = row.get(i);
                        object.put(result.columns().get(i), v instanceof BigDecimal || v instanceof Number
                                || v instanceof Boolean || v == null ? v : text(v));
                    }
                    rows.add(object);
                }
                try {
                    yield json.writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n";
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            default -> {
                List<String[]> rows = new ArrayList<>();
                rows.add(result.columns().toArray(String[]::new));
                for (List<Object> row : result.rows()) {
                    rows.add(row.stream().map(QueryCommand::text).toArray(String[]::new));
                }
                yield TextTable.render(rows);
            }
        };
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof java.time.OffsetDateTime t) {
            return t.toInstant().toString();
        }
        return value.toString();
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
