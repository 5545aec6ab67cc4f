package io.invoicestreams.app;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code java -jar app/target/quarkus-app/quarkus-run.jar [serve|demo|--help]}. Arguments are checked before
 * anything starts, so a wrong one costs nothing and exits 2.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    static final Set<String> COMMANDS = Set.of("serve", "demo", RebuildCommand.NAME, QueryCommand.QUERY,
            QueryCommand.REPORT, ArchiveCommand.NAME, DlqCommand.NAME, BootstrapCommand.NAME);

    static final String USAGE = """
            Usage: invoice-streams [COMMAND]

            Follows the DynamoDB stream of the InvoiceTransactions table into an Axon event store.

            Commands:
              serve    Run the service (the default): follow the stream, serve HTTP on :8080.
              demo     Write the seed rows, update one amount, delete one transaction,
                       print the domain events stored for them, and exit.
              rebuild NAME|--all
                       Rebuild a read model (totals, country-verification) from the whole
                       event store, and exit when it has caught up; see rebuild --help.
              query --sql "SELECT …" [--format table|csv|json]
                       Read-only SQL over the audit archive (table 'archive'); see query --help.
              report daily --from YYYY-MM-DD --to YYYY-MM-DD | report run-rate --days N
                       The built-in reports over the audit archive.
              archive lifecycle [--dry-run] [--infrequent-access-days N] [--glacier-days M] [--expire-days D]
                       Apply the archive's retention (S3 lifecycle rules; seven years by
                       default); for a local folder, print what it would do. See archive --help.
              dlq list|retry GROUP | dlq evict GROUP ID
                       The dead-letter queue of a processing group; see dlq --help.
              bootstrap [--page-size N]
                       Take a table's items that its stream no longer holds into the event
                       store, once, with the service stopped; see bootstrap --help.
              --help   Show this help.

            Configuration: application.properties keys, -Dkey=value or environment variables
            (for example INVOICE_STORE_URL); see the README's configuration table.
            """;

    @Inject
    DemoCommand demo;

    @Inject
    RebuildCommand rebuild;

    @Inject
    QueryCommand query;

    @Inject
    ArchiveCommand archive;

    @Inject
    DlqCommand dlq;

    @Inject
    BootstrapCommand bootstrap;

    public static void main(String... args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("disable-axoniq-console-message", "true");
        int early = check(args, System.out, System.err);
        if (early >= 0) {
            System.exit(early);
        }
        if (args.length > 0 && Set.of(RebuildCommand.NAME, QueryCommand.QUERY, QueryCommand.REPORT, ArchiveCommand.NAME,
                        DlqCommand.NAME, BootstrapCommand.NAME).contains(args[0])
                && System.getProperty("quarkus.http.port") == null
                && System.getenv("QUARKUS_HTTP_PORT") == null) {
            System.setProperty("quarkus.http.port", "0"); // a rebuild next to a running service must not take :8080
        }
        Quarkus.run(Main.class, args);
    }

    /** -1 to go on; otherwise the exit code, with help or the error already printed. */
    static int check(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return -1;
        }
        if (args.length == 1 && Set.of("--help", "-h", "help").contains(args[0])) {
            out.print(USAGE);
            return 0;
        }
        if (args[0].equals(RebuildCommand.NAME)) {
            return checkRebuild(args, out, err);
        }
        if (args[0].equals(QueryCommand.QUERY) || args[0].equals(QueryCommand.REPORT)) {
            return checkSubcommand(args, helpAsked(args, 1), QueryCommand.USAGE, QueryCommand::parse, out, err);
        }
        if (args[0].equals(ArchiveCommand.NAME)) {
            boolean help = helpAsked(args, 1) || args.length == 3 && args[1].equals("lifecycle") && helpAsked(args, 2);
            return checkSubcommand(args, help, ArchiveCommand.USAGE, ArchiveCommand::parse, out, err);
        }
        if (args[0].equals(DlqCommand.NAME)) {
            return checkSubcommand(args, helpAsked(args, 1), DlqCommand.USAGE, DlqCommand::parse, out, err);
        }
        if (args[0].equals(BootstrapCommand.NAME)) {
            return checkSubcommand(args, helpAsked(args, 1), BootstrapCommand.USAGE, BootstrapCommand::parse, out,
                    err);
        }
        if (args.length > 1) {
            err.println("invoice-streams: expected one command, got " + args.length + " arguments; see --help");
            return 2;
        }
        if (!COMMANDS.contains(args[0])) {
            err.println("invoice-streams: unknown command '" + args[0] + "'; commands are serve, demo, rebuild, query, report, archive, dlq and bootstrap (see --help)");
            return 2;
        }
        return -1;
    }

    /** True when the argument at {@code index} is the last one and asks for help. */
    private static boolean helpAsked(String[] args, int index) {
        return args.length == index + 1 && Set.of("--help", "-h").contains(args[index]);
    }

    /** Help, or the command's own parse: its complaint becomes one line on stderr and exit 2. */
    private static int checkSubcommand(String[] args, boolean help, String usage,
                                       java.util.function.Consumer<String[]> parse, PrintStream out, PrintStream err) {
        if (help) {
            out.print(usage);
            return 0;
        }
        try {
            parse.accept(args);
            return -1;
        } catch (IllegalArgumentException e) {
            err.println("invoice-streams: " + args[0] + ": " + e.getMessage() + "; see " + args[0] + " --help");
            return 2;
        }
    }

    private static int checkRebuild(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 2 && Set.of("--help", "-h").contains(args[1])) {
            out.print(RebuildCommand.USAGE);
            return 0;
        }
        if (args.length != 2) {
            err.println("invoice-streams: rebuild needs one read model name or --all; see rebuild --help");
            return 2;
        }
        if (!args[1].equals("--all") && !RebuildCommand.READ_MODELS.contains(args[1])) {
            err.println("invoice-streams: rebuild: unknown read model '" + args[1] + "'; read models are "
                    + RebuildCommand.READ_MODELS + " (see rebuild --help)");
            return 2;
        }
        return -1;
    }

    @Override
    public int run(String... args) {
        if (args.length == 1 && args[0].equals("demo")) {
            return demo.run(System.out);
        }
        if (args.length > 0 && (args[0].equals(QueryCommand.QUERY) || args[0].equals(QueryCommand.REPORT))) {
            return query.run(QueryCommand.parse(args), System.out, System.err);
        }
        if (args.length > 0 && args[0].equals(ArchiveCommand.NAME)) {
            return archive.run(ArchiveCommand.parse(args), System.out, System.err);
        }
        if (args.length > 0 && args[0].equals(DlqCommand.NAME)) {
            return dlq.run(DlqCommand.parse(args), System.out, System.err);
        }
        if (args.length > 0 && args[0].equals(BootstrapCommand.NAME)) {
            return bootstrap.run(BootstrapCommand.parse(args), System.out, System.err);
        }
        if (args.length == 2 && args[0].equals(RebuildCommand.NAME)) {
            java.util.List<String> names = args[1].equals("--all")
                    ? RebuildCommand.READ_MODELS
                    : java.util.List.of(args[1]);
            return rebuild.run(names, System.out, System.err, java.time.Duration.ofHours(6));
        }
        Quarkus.waitForExit();
        return 0;
    }
}
