package io.invoicestreams.app;

import io.invoicestreams.app.readmodel.ReadModels;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every command of the command line, once: its name, its lines in the usage text, what it needs running, how its
 * arguments are checked and its help. {@link Main} checks the arguments against this table before anything starts,
 * dispatches on it, and generates the usage text from it.
 */
public enum Command {
    SERVE("serve", "", "Run the service (the default): follow the stream, serve HTTP on :8080.", Mode.SERVE, null,
            args -> noArguments(args)),
    DEMO("demo", "", """
            Write the seed rows, update one amount, delete one transaction,
            print the domain events stored for them, and exit.""", Mode.SERVE, null, args -> noArguments(args)),
    REBUILD("rebuild", "NAME|--all", """
            Rebuild a read model (%s) from the whole
            event store, and exit when it has caught up; see rebuild --help.""".formatted(
            String.join(", ", ReadModels.rebuildable())), Mode.REPLAY, RebuildCommand.USAGE, RebuildCommand::parse),
    QUERY("query", "--sql \"SELECT …\" [--format table|csv|json]",
            "Read-only SQL over the audit archive (table 'archive'); see query --help.", Mode.OFFLINE,
            QueryCommand.USAGE, QueryCommand::parse),
    REPORT("report", "daily --from YYYY-MM-DD --to YYYY-MM-DD | report run-rate --days N",
            "The built-in reports over the audit archive.", Mode.OFFLINE, QueryCommand.USAGE, QueryCommand::parse),
    ARCHIVE("archive", "lifecycle [--dry-run] [--infrequent-access-days N] [--glacier-days M] [--expire-days D]", """
            Apply the archive's retention (S3 lifecycle rules; seven years by
            default); for a local folder, print what it would do. See archive --help.""", Mode.OFFLINE,
            ArchiveCommand.USAGE, ArchiveCommand::parse) {
        @Override
        boolean asksForHelp(String[] args) {
            return super.asksForHelp(args) || args.length == 3 && args[1].equals("lifecycle") && isHelp(args[2]);
        }
    },
    DLQ("dlq", "list|retry GROUP | dlq evict GROUP ID", "The dead-letter queue of a processing group; see dlq --help.",
            Mode.REPLAY, DlqCommand.USAGE, DlqCommand::parse),
    PARKED("parked", "list | parked redrive [ID] | parked drop ID",
            "Stream records that never became events: list, re-drive or drop them; see parked --help.",
            Mode.REPLAY, ParkedCommand.USAGE, ParkedCommand::parse),
    BOOTSTRAP("bootstrap", "[--page-size N]", """
            Take a table's items that its stream no longer holds into the event
            store, once, with the service stopped; see bootstrap --help.""", Mode.REPLAY, BootstrapCommand.USAGE,
            BootstrapCommand::parse);

    private final String word;
    private final String synopsis;
    private final String summary;
    private final Mode mode;
    private final String usage;
    private final Consumer<String[]> check;

    Command(String word, String synopsis, String summary, Mode mode, String usage, Consumer<String[]> check) {
        this.word = word;
        this.synopsis = synopsis;
        this.summary = summary;
        this.mode = mode;
        this.usage = usage;
        this.check = check;
    }

    /** The command's name on the command line. */
    public String word() {
        return word;
    }

    /** What the command needs running in its process. */
    public Mode mode() {
        return mode;
    }

    /** The command's own help, when it has one beyond its lines in the usage text. */
    Optional<String> usage() {
        return Optional.ofNullable(usage);
    }

    /** Throws IllegalArgumentException with a one-line reason when the arguments are not the command's. */
    void check(String[] args) {
        check.accept(args);
    }

    /** True when the arguments ask for this command's help. */
    boolean asksForHelp(String[] args) {
        return usage != null && args.length == 2 && isHelp(args[1]);
    }

    /** The command that the arguments name; serve when there are none. */
    static Optional<Command> of(String[] args) {
        if (args.length == 0) {
            return Optional.of(SERVE);
        }
        return Arrays.stream(values()).filter(c -> c.word.equals(args[0])).findFirst();
    }

    /** The usage text: a line or two per command, from this table. */
    static String usageText() {
        StringBuilder text = new StringBuilder("""
                Usage: invoice-streams [COMMAND]

                Follows the DynamoDB stream of the InvoiceTransactions table into an Axon event store.

                Commands:
                """);
        for (Command command : values()) {
            String head = command.word + (command.synopsis.isEmpty() ? "" : " " + command.synopsis);
            String[] lines = command.summary.split("\n");
            if (head.length() <= 8) {
                text.append(String.format("  %-8s %s%n", head, lines[0]));
            } else {
                text.append("  ").append(head).append('\n');
                text.append("           ").append(lines[0]).append('\n');
            }
            for (int i = 1; i < lines.length; i++) {
                text.append("           ").append(lines[i]).append('\n');
            }
        }
        text.append("""
                  --help   Show this help.

                Configuration: application.properties keys, -Dkey=value or environment variables
                (for example INVOICE_STORE_URL); see the README's configuration table.
                """);
        return text.toString();
    }

    static boolean isHelp(String word) {
        return Set.of("--help", "-h").contains(word);
    }

    private static void noArguments(String[] args) {
        if (args.length > 1) {
            throw new IllegalArgumentException("expected one command, got " + args.length + " arguments");
        }
    }

    /** The commands, for messages: "serve, demo, … and bootstrap". */
    static String words() {
        String[] all = Arrays.stream(values()).map(Command::word).toArray(String[]::new);
        return String.join(", ", Arrays.copyOf(all, all.length - 1)) + " and " + all[all.length - 1];
    }
}
