package io.invoicestreams.app;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code dlq list|retry|evict GROUP [ID]}: the dead-letter queue of a processing group, as on REST. */
@ApplicationScoped
public class DlqCommand {

    static final String USAGE = """
            Usage: invoice-streams dlq list GROUP | dlq retry GROUP | dlq evict GROUP ID

            The dead-letter queue of a processing group: events whose handler failed (for notifications, a
            publish that SQS or SNS refused), parked with the cause, and the later events of the same invoice
            behind them. Other invoices go on. The service retries parked events with backoff by itself.

              list GROUP        print every parked event: id, invoice, event, attempts and cause
              retry GROUP       retry every parked invoice now; exit 0 when none is left parked, 1 otherwise
              evict GROUP ID    remove one parked event for good (it is never handled); exit 1 if there is none

            Groups with a dead-letter queue: %s.
            The running service does the same under /admin/dlq/{group}; on the embedded defaults use that,
            because the H2 event store is held by the running service.
            """.formatted(String.join(", ", io.invoicestreams.app.readmodel.ReadModels.withDeadLetters()));

    /** The parsed arguments. */
    record Args(String action, String group, String id) {
    }

    static Args parse(String[] args) {
        if (args.length < 3) {
            throw new IllegalArgumentException("dlq needs an action (list, retry, evict) and a processing group");
        }
        String action = args[1];
        switch (action) {
            case "list", "retry" -> {
                if (args.length != 3) {
                    throw new IllegalArgumentException("dlq " + action + " takes one processing group");
                }
                return new Args(action, args[2], null);
            }
            case "evict" -> {
                if (args.length != 4) {
                    throw new IllegalArgumentException("dlq evict takes a processing group and a dead-letter id");
                }
                return new Args(action, args[2], args[3]);
            }
            default -> throw new IllegalArgumentException("unknown dlq action '" + action
                    + "'; actions are list, retry and evict");
        }
    }

    private final DeadLetters.Queues queues;

    DlqCommand(DeadLetters.Queues queues) {
        this.queues = queues;
    }

    int run(Args args, PrintStream out, PrintStream err) {
        if (!queues.groups().contains(args.group())) {
            err.println("invoice-streams: dlq: processing group '" + args.group() + "' has no dead-letter queue;"
                    + " groups with one: " + queues.groups());
            return 2;
        }
        return switch (args.action()) {
            case "list" -> {
                out.print(table(queues.list(args.group())));
                yield 0;
            }
            case "retry" -> {
                if (queues.size(args.group()) == 0) {
                    out.println("Nothing is parked.");
                    yield 0;
                }
                int delivered;
                try {
                    delivered = queues.retryAll(args.group());
                } catch (IllegalStateException e) {
                    err.println("invoice-streams: dlq: " + e.getMessage());
                    yield 1;
                }
                long left = queues.size(args.group());
                out.printf("%d invoice(s) delivered; %d event(s) still parked.%n", delivered, left);
                yield left == 0 ? 0 : 1;
            }
            case "evict" -> {
                if (!queues.evict(args.group(), args.id())) {
                    err.println("invoice-streams: dlq: no parked event with id '" + args.id() + "' in "
                            + args.group() + "; see dlq list " + args.group());
                    yield 1;
                }
                out.printf("Evicted %s from %s.%n", args.id(), args.group());
                yield 0;
            }
            default -> throw new IllegalStateException("parse lets only list, retry and evict through");
        };
    }

    static String table(List<DeadLetters.Letter> letters) {
        if (letters.isEmpty()) {
            return "Nothing is parked.\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"id", "invoice", "#", "event", "attempts", "parked at", "last try", "cause"});
        for (DeadLetters.Letter l : letters) {
            rows.add(new String[]{l.id(), l.sequence(), Long.toString(l.index()), l.eventType(),
                    Integer.toString(l.attempts()), String.valueOf(l.enqueuedAt()), String.valueOf(l.lastTouched()),
                    l.causeType() == null ? "(behind an earlier event)" : l.causeType() + ": " + l.causeMessage()});
        }
        return TextTable.render(rows);
    }
}
