package io.invoicestreams.app;

import io.invoicestreams.adapters.dynamodb.TableBootstrap;
import io.invoicestreams.adapters.eventstore.FairShare;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;

/**
 * {@code bootstrap [--page-size N]}: takes the items of the table that its stream no longer holds into the event
 * store, once, then exits; the service then follows the stream from where the store needs it (ADR 0017).
 */
@ApplicationScoped
public class BootstrapCommand {

    static final String USAGE = """
            Usage: invoice-streams bootstrap [--page-size N]

            Takes a table that already holds items, written before its stream was enabled or more than 24 hours
            ago, into the event store, once. Run it with the service stopped, before the service follows the
            table for the first time, or after the stream lost records (the service reports DATA LOST UPSTREAM).

              1. scans the whole table, with consistent reads, N items a page (default 500, at most 1000);
              2. writes a marker item (InvoiceNumber __invoice-streams-bootstrap__) and reads the stream up to
                 it: an item with records in the stream is left to the stream, which the service reads anyway;
              3. deletes the marker, and imports every other item as it stands: events from the table scan,
                 which request no payment and raise no alert, since these invoices are not new.

            Nothing is counted twice: an item changed during the scan is told by the stream alone, and changes
            after the marker follow the imported state. Items that cannot be read (an Amount of 'abc') are parked
            with the reason, as stream records are (GET /admin/parked). Running it again is safe: it imports
            only what differs from what the store holds. The table needs its stream enabled.

            Example:
              java -jar app/target/quarkus-app/quarkus-run.jar bootstrap
            """;

    /** The parsed arguments. */
    record Args(int pageSize) {
    }

    static Args parse(String[] args) {
        if (args.length == 1) {
            return new Args(500);
        }
        if (args.length != 3 || !args[1].equals("--page-size")) {
            throw new IllegalArgumentException("bootstrap takes no arguments but --page-size N");
        }
        int size;
        try {
            size = Integer.parseInt(args[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--page-size '" + args[2] + "' is not a number");
        }
        if (size < 1 || size > 1000) {
            throw new IllegalArgumentException("--page-size must be 1 to 1000, was " + size);
        }
        return new Args(size);
    }

    private final io.invoicestreams.app.source.SourceConfig config;
    private final jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store;
    private final jakarta.enterprise.inject.Instance<io.invoicestreams.app.source.SourceAssembly.Bootstraps> bootstraps;

    BootstrapCommand(io.invoicestreams.app.source.SourceConfig config,
                     jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store,
                     jakarta.enterprise.inject.Instance<io.invoicestreams.app.source.SourceAssembly.Bootstraps> bootstraps) {
        this.config = config;
        this.store = store;
        this.bootstraps = bootstraps;
    }

    /** 0 when the table was taken in; 1 when it was refused or failed, with nothing half-counted. */
    int run(Args args, PrintStream out, PrintStream err) {
        if (config.type() != io.invoicestreams.app.source.SourceConfig.SourceType.DYNAMODB_STREAMS) {
            err.println("invoice-streams: bootstrap reads the table's DynamoDB stream up to its marker, and the"
                    + " service follows kinesis (invoice.source.type); bootstrap with the"
                    + " DynamoDB stream source is the only one supported");
            return 1;
        }
        int nodes = FairShare.liveNodes(store.get());
        if (nodes > 0) {
            err.println("invoice-streams: bootstrap: " + nodes + " service node(s) follow this event store now;"
                    + " stop them first, then bootstrap, then start them again");
            return 1;
        }
        TableBootstrap.Result result;
        try {
            result = bootstraps.get().withPageSize(args.pageSize()).run(line -> out.println("bootstrap: " + line));
        } catch (TableBootstrap.BootstrapRefused refused) {
            err.println("invoice-streams: bootstrap: " + refused.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("invoice-streams: bootstrap failed, and may be run again: " + e);
            return 1;
        }
        out.printf("bootstrap: done in %d s: %d items scanned, %d imported (%d events), %d left to the stream,"
                        + " %d parked; the stream stood at sequence %s%n", result.took().toSeconds(), result.scanned(),
                result.imported(), result.events(), result.streamTold(), result.parked(), result.marker());
        if (result.parked() > 0) {
            out.println("bootstrap: see the parked items with GET /admin/parked once the service runs");
        }
        return 0;
    }
}
