package io.invoicestreams.app;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code java -jar app/target/quarkus-app/quarkus-run.jar [COMMAND]}. Arguments are checked against the command
 * table ({@link Command}) before anything starts, so a wrong one costs nothing and exits 2.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    /** The usage text, generated from the command table. */
    static final String USAGE = Command.usageText();

    @Inject
    Invocation invocation;

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
    ParkedCommand parked;

    @Inject
    BootstrapCommand bootstrap;

    @Inject
    io.invoicestreams.app.eventstore.StoreLoss storeLoss;

    public static void main(String... args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("disable-axoniq-console-message", "true");
        int early = check(args, System.out, System.err);
        if (early >= 0) {
            System.exit(early);
        }
        Command command = Command.of(args).orElseThrow();
        if (command.mode() != Mode.SERVE && System.getProperty("quarkus.http.port") == null
                && System.getenv("QUARKUS_HTTP_PORT") == null) {
            System.setProperty("quarkus.http.port", "0"); // a rebuild next to a running service must not take :8080
        }
        Quarkus.run(Main.class, args);
    }

    /** -1 to go on; otherwise the exit code, with help or the error already printed. */
    static int check(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && Set.of("--help", "-h", "help").contains(args[0])) {
            out.print(USAGE);
            return 0;
        }
        Optional<Command> command = Command.of(args);
        if (command.isEmpty()) {
            err.println("invoice-streams: unknown command '" + args[0] + "'; commands are " + Command.words()
                    + " (see --help)");
            return 2;
        }
        Command c = command.get();
        if (c.asksForHelp(args)) {
            out.print(c.usage().orElseThrow());
            return 0;
        }
        try {
            c.check(args);
            return -1;
        } catch (IllegalArgumentException e) {
            err.println("invoice-streams: " + c.word() + ": " + e.getMessage() + "; see "
                    + (c.usage().isPresent() ? c.word() + " --help" : "--help"));
            return 2;
        }
    }

    @Override
    public int run(String... args) {
        return switch (invocation.command()) {
            case SERVE -> {
                Quarkus.waitForExit();
                yield storeLoss.exitCode(); // 75 when the embedded store closed itself: start again
            }
            case DEMO -> demo.run(System.out);
            case REBUILD -> rebuild.run(RebuildCommand.parse(args), System.out, System.err, Duration.ofHours(6));
            case QUERY, REPORT -> query.run(QueryCommand.parse(args), System.out, System.err);
            case ARCHIVE -> archive.run(ArchiveCommand.parse(args), System.out, System.err);
            case DLQ -> dlq.run(DlqCommand.parse(args), System.out, System.err);
            case PARKED -> parked.run(ParkedCommand.parse(args), System.out, System.err);
            case BOOTSTRAP -> bootstrap.run(BootstrapCommand.parse(args), System.out, System.err);
        };
    }
}
