package io.invoicestreams.app;

import io.invoicestreams.adapters.dynamodb.ParkedRedrive;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code parked list | parked redrive [ID] | parked drop ID}: stream records that never became events, as on REST. */
@ApplicationScoped
public class ParkedCommand {

    static final String USAGE = """
            Usage: invoice-streams parked list | parked redrive [ID] | parked drop ID

            Stream records that could not become events, kept with their raw record and the reason (an Amount
            that is no money, a document that is no JSON object, a change the invoice refused). A fix in the
            code or the configuration can turn them into events: redrive sends them through today's translation.

              list           print the parked records, oldest first: id, shard, sequence, parked at and reason
              redrive [ID]   send one parked record (or the oldest 1000) through today's translation; each is
                             applied, skipped as stale (its item has a newer change), or parked again with
                             today's reason. Exit 0 when none was parked again, 1 otherwise
              drop ID        forget one parked record for good; exit 1 if there is none

            The running service does the same under /admin/parked; on the embedded defaults use that, because
            the H2 event store is held by the running service.
            """;

    /** The parsed arguments. */
    record Args(String action, String id) {
    }

    static Args parse(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("parked needs an action: list, redrive or drop");
        }
        return switch (args[1]) {
            case "list" -> {
                if (args.length != 2) {
                    throw new IllegalArgumentException("parked list takes no more arguments");
                }
                yield new Args("list", null);
            }
            case "redrive" -> {
                if (args.length > 3) {
                    throw new IllegalArgumentException("parked redrive takes at most one event id");
                }
                yield new Args("redrive", args.length == 3 ? args[2] : null);
            }
            case "drop" -> {
                if (args.length != 3) {
                    throw new IllegalArgumentException("parked drop takes one event id");
                }
                yield new Args("drop", args[2]);
            }
            default -> throw new IllegalArgumentException("unknown parked action '" + args[1]
                    + "'; actions are list, redrive and drop");
        };
    }

    private final ParkedRecords parked;
    private final jakarta.enterprise.inject.Instance<ParkedRedrive> redrive;

    ParkedCommand(ParkedRecords parked, jakarta.enterprise.inject.Instance<ParkedRedrive> redrive) {
        this.parked = parked;
        this.redrive = redrive;
    }

    int run(Args args, PrintStream out, PrintStream err) {
        return switch (args.action()) {
            case "list" -> {
                out.print(table(parked.list(0, 1000)));
                long count = parked.count();
                if (count > 1000) {
                    out.printf("… and %d more; GET /admin/parked pages through them.%n", count - 1000);
                }
                yield 0;
            }
            case "redrive" -> {
                List<ParkedRedrive.Outcome> outcomes;
                if (args.id() == null) {
                    outcomes = redrive.get().redriveAll(1000);
                } else {
                    var one = redrive.get().redrive(args.id());
                    if (one.isEmpty()) {
                        err.println("invoice-streams: parked: no parked record with event id '" + args.id()
                                + "'; see parked list");
                        yield 1;
                    }
                    outcomes = List.of(one.get());
                }
                if (outcomes.isEmpty()) {
                    out.println("Nothing is parked.");
                    yield 0;
                }
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[]{"id", "outcome", "events", "reason"});
                outcomes.forEach(o -> rows.add(new String[]{o.eventId(), o.outcome(), Integer.toString(o.events()),
                        o.reason() == null ? "" : o.reason()}));
                out.print(TextTable.render(rows));
                yield outcomes.stream().anyMatch(o -> o.outcome().equals("parked-again")) ? 1 : 0;
            }
            case "drop" -> {
                if (!parked.delete(args.id())) {
                    err.println("invoice-streams: parked: no parked record with event id '" + args.id()
                            + "'; see parked list");
                    yield 1;
                }
                out.printf("Dropped %s.%n", args.id());
                yield 0;
            }
            default -> throw new IllegalStateException("parse lets only list, redrive and drop through");
        };
    }

    static String table(List<ParkedRecords.Parked> records) {
        if (records.isEmpty()) {
            return "Nothing is parked.\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"id", "shard", "sequence", "parked at", "reason"});
        for (ParkedRecords.Parked p : records) {
            rows.add(new String[]{p.eventId(), p.shardId(), String.valueOf(p.sequenceNumber()),
                    String.valueOf(p.parkedAt()), p.reason()});
        }
        return TextTable.render(rows);
    }
}
