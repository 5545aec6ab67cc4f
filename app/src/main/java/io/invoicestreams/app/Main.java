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

    static final Set<String> COMMANDS = Set.of("serve", "demo");

    static final String USAGE = """
            Usage: invoice-streams [COMMAND]

            Follows the DynamoDB stream of the InvoiceTransactions table into an Axon event store.

            Commands:
              serve    Run the service (the default): follow the stream, serve HTTP on :8080.
              demo     Write the seed rows, update one amount, delete one transaction,
                       print the domain events stored for them, and exit.
              --help   Show this help.

            Configuration: application.properties keys, -Dkey=value or environment variables
            (for example INVOICE_STORE_URL); see the README's configuration table.
            """;

    @Inject
    DemoCommand demo;

    public static void main(String... args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("disable-axoniq-console-message", "true");
        int early = check(args, System.out, System.err);
        if (early >= 0) {
            System.exit(early);
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
        if (args.length > 1) {
            err.println("invoice-streams: expected one command, got " + args.length + " arguments; see --help");
            return 2;
        }
        if (!COMMANDS.contains(args[0])) {
            err.println("invoice-streams: unknown command '" + args[0] + "'; commands are serve and demo (see --help)");
            return 2;
        }
        return -1;
    }

    @Override
    public int run(String... args) {
        if (args.length == 1 && args[0].equals("demo")) {
            return demo.run(System.out);
        }
        Quarkus.waitForExit();
        return 0;
    }
}
