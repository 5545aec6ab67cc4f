package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String... args) {
        return Main.check(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void no_argument_and_known_commands_start_the_service() {
        assertThat(check()).isEqualTo(-1);
        assertThat(check("serve")).isEqualTo(-1);
        assertThat(check("demo")).isEqualTo(-1);
        assertThat(check("rebuild", "totals")).isEqualTo(-1);
        assertThat(check("rebuild", "country-verification")).isEqualTo(-1);
        assertThat(check("rebuild", "--all")).isEqualTo(-1);
        assertThat(check("query", "--sql", "select 1 from archive", "--format", "csv")).isEqualTo(-1);
        assertThat(check("report", "daily", "--from", "2026-11-01", "--to", "2026-11-30")).isEqualTo(-1);
        assertThat(check("report", "daily", "--from", "2016-06-01", "--to", "2016-06-30", "--by", "invoice-date"))
                .isEqualTo(-1);
        assertThat(check("report", "run-rate", "--days", "7")).isEqualTo(-1);
        assertThat(out.size() + err.size()).isZero();
    }

    @Test
    void help_prints_usage_and_exits_0() {
        assertThat(check("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: invoice-streams [COMMAND]")
                .contains("serve").contains("demo");
    }

    @Test
    void an_unknown_command_is_one_line_on_stderr_and_exit_2() {
        assertThat(check("rebuld")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("invoice-streams: unknown command 'rebuld'; commands are serve, demo, rebuild, query, report, archive, dlq, parked and bootstrap (see --help)"
                        + System.lineSeparator());
        assertThat(out.size()).isZero();
    }

    @Test
    void dlq_arguments_are_checked_before_anything_starts() {
        assertThat(check("dlq", "list", "notifications")).isEqualTo(-1);
        assertThat(check("dlq", "retry", "notifications")).isEqualTo(-1);
        assertThat(check("dlq", "evict", "notifications", "0b6e")).isEqualTo(-1);
        assertThat(out.size() + err.size()).isZero();

        assertThat(check("dlq", "purge", "notifications")).isEqualTo(2);
        assertThat(check("dlq", "evict", "notifications")).isEqualTo(2);
        assertThat(check("dlq", "list")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "invoice-streams: dlq: unknown dlq action 'purge'; actions are list, retry and evict; see dlq --help",
                "invoice-streams: dlq: dlq evict takes a processing group and a dead-letter id; see dlq --help",
                "invoice-streams: dlq: dlq needs an action (list, retry, evict) and a processing group; see dlq --help");
    }

    @Test
    void parked_arguments_are_checked_before_anything_starts() {
        assertThat(check("parked", "list")).isEqualTo(-1);
        assertThat(check("parked", "redrive")).isEqualTo(-1);
        assertThat(check("parked", "redrive", "e-1")).isEqualTo(-1);
        assertThat(check("parked", "drop", "e-1")).isEqualTo(-1);
        assertThat(out.size() + err.size()).isZero();

        assertThat(check("parked")).isEqualTo(2);
        assertThat(check("parked", "drop")).isEqualTo(2);
        assertThat(check("parked", "purge")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "invoice-streams: parked: parked needs an action: list, redrive or drop; see parked --help",
                "invoice-streams: parked: parked drop takes one event id; see parked --help",
                "invoice-streams: parked: unknown parked action 'purge'; actions are list, redrive and drop; see"
                        + " parked --help");
    }

    @Test
    void bootstrap_arguments_are_checked_before_anything_starts() {
        assertThat(check("bootstrap")).isEqualTo(-1);
        assertThat(check("bootstrap", "--page-size", "100")).isEqualTo(-1);
        assertThat(out.size() + err.size()).isZero();

        assertThat(check("bootstrap", "--page-size", "0")).isEqualTo(2);
        assertThat(check("bootstrap", "--page-size", "many")).isEqualTo(2);
        assertThat(check("bootstrap", "now")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "invoice-streams: bootstrap: --page-size must be 1 to 1000, was 0; see bootstrap --help",
                "invoice-streams: bootstrap: --page-size 'many' is not a number; see bootstrap --help",
                "invoice-streams: bootstrap: bootstrap takes no arguments but --page-size N; see bootstrap --help");

        assertThat(check("bootstrap", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: invoice-streams bootstrap")
                .contains("with the service stopped");
    }

    @Test
    void dlq_help_names_the_actions_and_the_rest_path() {
        assertThat(check("dlq", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: invoice-streams dlq list GROUP")
                .contains("/admin/dlq/{group}").contains("notifications");
    }

    @Test
    void extra_arguments_are_refused_with_exit_2() {
        assertThat(check("demo", "now")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected one command, got 2 arguments");
    }

    @Test
    void rebuild_help_documents_the_read_models() {
        assertThat(check("rebuild", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: invoice-streams rebuild NAME | --all")
                .contains("totals ").contains("country-verification ").contains("POST /admin/projections/NAME/rebuild");
    }

    @Test
    void a_rebuild_without_a_known_read_model_is_refused_with_exit_2() {
        assertThat(check("rebuild")).isEqualTo(2);
        assertThat(check("rebuild", "total")).isEqualTo(2);
        assertThat(check("rebuild", "totals", "now")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "invoice-streams: rebuild: needs one read model name or --all; see rebuild --help",
                "invoice-streams: rebuild: unknown read model 'total'; read models are [totals, country-verification, search]"
                        + "; see rebuild --help",
                "invoice-streams: rebuild: needs one read model name or --all; see rebuild --help");
        assertThat(out.size()).isZero();
    }

    @Test
    void the_progress_line_shows_the_share_the_rate_and_the_time_left() {
        var bar = new RebuildCommand.ProgressBar("totals", new java.io.PrintStream(out), false);
        bar.show(new io.invoicestreams.adapters.eventstore.ProjectionControl.Progress("totals", -1, 100_000, false));
        assertThat(bar.line(new io.invoicestreams.adapters.eventstore.ProjectionControl.Progress("totals", 50_000,
                100_000, false), 10.0)).isEqualTo(
                "totals               [###############---------------]  50% 50,000/100,000 events 5,000 events/s ETA 0:10");
        assertThat(bar.line(new io.invoicestreams.adapters.eventstore.ProjectionControl.Progress("totals", 100_000,
                100_000, true), 20.0)).endsWith("100% 100,000/100,000 events 5,000 events/s ETA --:-- done");
    }

    @Test
    void query_and_report_arguments_are_checked_before_anything_starts() {
        assertThat(check("query")).isEqualTo(2);
        assertThat(check("query", "--sql", "select 1", "--format", "xml")).isEqualTo(2);
        assertThat(check("report", "daily", "--from", "2026-11-31", "--to", "2026-12-01")).isEqualTo(2);
        assertThat(check("report", "daily", "--from", "2026-11-05", "--to", "2026-11-01")).isEqualTo(2);
        assertThat(check("report", "daily", "--from", "2026-11-01", "--to", "2026-11-02", "--by", "week")).isEqualTo(2);
        assertThat(check("report", "run-rate", "--days", "-3")).isEqualTo(2);
        assertThat(check("query", "--sql", "select 1", "--to", "2026-11-01")).isEqualTo(2);
        assertThat(check("query", "--sql", "select 1", "--from", "2026-11-02", "--to", "2026-11-01")).isEqualTo(2);
        assertThat(check("query", "--sql", "select 1", "--from", "2026-11-01")).isEqualTo(-1);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "invoice-streams: query: query needs --sql \"SELECT …\"; see query --help",
                "invoice-streams: query: --format must be table, csv or json, was 'xml'; see query --help",
                "invoice-streams: report: --from must be a date YYYY-MM-DD, was '2026-11-31'; see report --help",
                "invoice-streams: report: --to 2026-11-01 is before --from 2026-11-05; see report --help",
                "invoice-streams: report: --by must be change or invoice-date, was 'week'; see report --help",
                "invoice-streams: report: run-rate needs --days N, a whole number from 1; see report --help",
                "invoice-streams: query: --to needs --from; see query --help",
                "invoice-streams: query: --to 2026-11-01 is before --from 2026-11-02; see query --help");
        assertThat(check("query", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("report daily --from YYYY-MM-DD");
    }

    @Test
    void archive_lifecycle_arguments_are_checked_before_anything_starts() {
        assertThat(check("archive", "lifecycle", "--dry-run", "--glacier-days", "120")).isEqualTo(-1);
        assertThat(check("archive")).isEqualTo(2);
        assertThat(check("archive", "lifecycle", "--expire-days")).isEqualTo(2);
        assertThat(check("archive", "lifecycle", "--glacier-days", "ninety")).isEqualTo(2);
        assertThat(check("archive", "lifecycle", "--delete-everything")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "invoice-streams: archive: archive needs the subcommand lifecycle; see archive --help",
                "invoice-streams: archive: --expire-days needs a whole number of days; see archive --help",
                "invoice-streams: archive: --glacier-days needs a whole number of days; see archive --help",
                "invoice-streams: archive: unknown option --delete-everything; see archive --help");
        assertThat(check("archive", "lifecycle", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("STANDARD_IA after N days");
    }
}
