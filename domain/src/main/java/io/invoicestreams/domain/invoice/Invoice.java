package io.invoicestreams.domain.invoice;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.ChangeOutcome.Applied;
import io.invoicestreams.domain.invoice.ChangeOutcome.Rejected;
import io.invoicestreams.domain.invoice.ChangeOutcome.Skipped;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionAmountCorrected;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionCountryChanged;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionDocumentChanged;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionExpired;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionInvoiceDateChanged;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRecorded;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRemoved;
import io.invoicestreams.domain.invoice.TransactionChange.Deleted;
import io.invoicestreams.domain.invoice.TransactionChange.Written;
import io.invoicestreams.domain.invoice.VerificationEvent.CountryVerifierAssigned;
import io.invoicestreams.domain.invoice.VerificationEvent.CountryVerifierRemoved;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

/**
 * An invoice and its transactions, rebuilt from its events. It decides which events an observed change means,
 * from its own state: a write of a known transaction with a new amount is a correction, whatever the stream's
 * view type carried. It ignores what it has already applied, per transaction item, by stream sequence number.
 * An item's state that {@code bootstrap} read from the table is applied whatever its sequence: it is the item as
 * it stands, and the stream's later records follow it (ADR 0017).
 */
public class Invoice {

    @AggregateIdentifier
    private InvoiceNumber invoiceNumber;

    private final Map<TransactionId, Item> items = new HashMap<>();

    private final Map<CountryCode, Verifier> verifiers = new HashMap<>();

    /** Axon creates an empty aggregate, then sources its events or handles the first command. */
    protected Invoice() {
    }

    /** The invoice as its events, oldest first, leave it; no events gives the invoice no transaction ever reached. */
    public static Invoice replay(Iterable<?> events) {
        Invoice invoice = new Invoice();
        for (Object event : events) {
            invoice.evolve(event);
        }
        return invoice;
    }

    /**
     * Moves this invoice on by one of its events, as Axon's event sourcing handlers below do: for a caller that
     * loads and appends an invoice's events itself rather than through Axon's repository.
     */
    public void evolve(Object event) {
        switch (event) {
            case InvoiceEvent e -> evolve(e);
            case VerificationEvent e -> evolve(e);
            default -> throw new IllegalArgumentException("not an event of an Invoice: " + event.getClass().getName());
        }
    }

    private void evolve(InvoiceEvent event) {
        switch (event) {
            case TransactionRecorded e -> on(e);
            case TransactionAmountCorrected e -> on(e);
            case TransactionCountryChanged e -> on(e);
            case TransactionInvoiceDateChanged e -> on(e);
            case TransactionDocumentChanged e -> on(e);
            case TransactionRemoved e -> on(e);
            case TransactionExpired e -> on(e);
        }
    }

    private void evolve(VerificationEvent event) {
        switch (event) {
            case CountryVerifierAssigned e -> on(e);
            case CountryVerifierRemoved e -> on(e);
        }
    }

    /**
     * The same decision as {@link #handle(ApplyTransactionChanges)}, without Axon: each new event is applied to
     * this invoice at once, so later changes of the command see it, and added to {@code newEvents}. The caller
     * stores the events, or drops this instance.
     */
    public List<ChangeOutcome> decide(ApplyTransactionChanges command, List<Object> newEvents) {
        Objects.requireNonNull(newEvents, "newEvents");
        return decideAll(command, event -> {
            evolve(event);
            newEvents.add(event);
        });
    }

    /**
     * Applies each change in order and says, per change, what came of it. A change that cannot be applied is
     * rejected with a reason and leaves the state untouched; the other changes still apply.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public List<ChangeOutcome> handle(ApplyTransactionChanges command) {
        return decideAll(command, event -> apply(event));
    }

    /** @param apply applies one new event to this invoice and stores it */
    private List<ChangeOutcome> decideAll(ApplyTransactionChanges command, Consumer<Object> apply) {
        if (invoiceNumber != null && !invoiceNumber.equals(command.invoiceNumber())) {
            throw new IllegalStateException("command for invoice " + command.invoiceNumber()
                    + " was routed to invoice " + invoiceNumber);
        }
        List<ChangeOutcome> outcomes = new ArrayList<>(command.changes().size());
        for (TransactionChange change : command.changes()) {
            outcomes.add(decide(command.invoiceNumber(), change, apply));
        }
        return outcomes;
    }

    /**
     * Assigns a verifier to a country of the invoice; the transactions of that country recorded so far count as
     * verified from now on (ADR 0006). Assigning the verifier already assigned changes nothing.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public VerifierOutcome handle(AssignCountryVerifier command) {
        List<TransactionId> open = openTransactionsIn(command.country());
        if (command.verifier().equals(verifiers.get(command.country()))) {
            return new VerifierOutcome(false, open.size());
        }
        apply(new CountryVerifierAssigned(command.invoiceNumber(), command.country(), command.verifier(), open,
                command.at()));
        return new VerifierOutcome(true, open.size());
    }

    /** Removes the country's verifier; removing where there is none changes nothing. */
    @CommandHandler
    public VerifierOutcome handle(RemoveCountryVerifier command) {
        Verifier previous = verifiers.get(command.country());
        if (previous == null) {
            return new VerifierOutcome(false, 0);
        }
        apply(new CountryVerifierRemoved(command.invoiceNumber(), command.country(), previous, command.at()));
        return new VerifierOutcome(true, 0);
    }

    private List<TransactionId> openTransactionsIn(CountryCode country) {
        return items.entrySet().stream()
                .filter(e -> e.getValue().details() != null && e.getValue().details().country().equals(country))
                .map(Map.Entry::getKey)
                .sorted(java.util.Comparator.comparing(TransactionId::value))
                .toList();
    }

    private ChangeOutcome decide(InvoiceNumber invoice, TransactionChange change, Consumer<Object> apply) {
        Item item = items.get(change.transactionId());
        if (item != null) {
            if (item.lastEventId().equals(change.change().eventId())) {
                return new Skipped("stream record " + item.lastEventId() + " was already applied to "
                        + describe(invoice, change));
            }
            if (!change.change().fromTableScan() && !change.change().sequence().isAfter(item.lastSequence())) {
                return new Skipped("sequence " + change.change().sequence() + " is not after "
                        + item.lastSequence() + ", the last applied to " + describe(invoice, change));
            }
        }
        return switch (change) {
            case Written written -> applied(apply, write(invoice, item, written));
            case Deleted deleted -> delete(invoice, item, deleted, apply);
        };
    }

    /** The events a write means; none when nothing that the invoice keeps changed. */
    private List<InvoiceEvent> write(InvoiceNumber invoice, Item item, Written written) {
        TransactionDetails now = written.details();
        TransactionId id = written.transactionId();
        ChangeIdentity change = written.change();
        if (item == null || item.details() == null) {
            // Removed items stay in the map, so "empty" is "never any". A write of an item that existed before
            // this store followed the table (a MODIFY, or the table scan of bootstrap) opens no new invoice.
            boolean opensInvoice = items.isEmpty() && written.created();
            return List.of(new TransactionRecorded(invoice, id, now.amount(), now.country(), now.invoiceDate(),
                    now.document(), opensInvoice, change));
        }
        TransactionDetails was = item.details();
        List<InvoiceEvent> events = new ArrayList<>(4);
        if (!was.amount().sameValueAs(now.amount())) {
            events.add(new TransactionAmountCorrected(invoice, id, was.amount(), now.amount(), now.country(), change));
        }
        if (!was.country().equals(now.country())) {
            events.add(new TransactionCountryChanged(invoice, id, was.country(), now.country(), change));
        }
        if (!Objects.equals(was.invoiceDate(), now.invoiceDate())) {
            events.add(new TransactionInvoiceDateChanged(invoice, id, was.invoiceDate(), now.invoiceDate(), change));
        }
        if (!was.document().equals(now.document())) {
            events.add(new TransactionDocumentChanged(invoice, id, now.document(), change));
        }
        return events;
    }

    private ChangeOutcome delete(InvoiceNumber invoice, Item item, Deleted deleted, Consumer<Object> apply) {
        if (item == null || item.details() == null) {
            if (item == null && deleted.lastImage() != null) {
                return new Rejected(describe(invoice, deleted) + " was deleted but never recorded here, though the"
                        + " stream shows it held " + deleted.lastImage().amount() + ": either it was written before the"
                        + " event store followed the stream (bootstrap the table to take it in), or, on a KEYS_ONLY"
                        + " or OLD_IMAGE stream, it was written and deleted before its write was read");
            }
            return new Skipped(describe(invoice, deleted) + " is not on the invoice; nothing to delete");
        }
        TransactionDetails last = item.details();
        return applied(apply, List.of(switch (deleted.cause()) {
            case DELETED -> new TransactionRemoved(invoice, deleted.transactionId(), last.amount(), last.country(),
                    deleted.change());
            case EXPIRED -> new TransactionExpired(invoice, deleted.transactionId(), last.amount(), last.country(),
                    deleted.change());
        }));
    }

    private static ChangeOutcome applied(Consumer<Object> apply, List<InvoiceEvent> events) {
        List<String> names = new ArrayList<>(events.size());
        for (InvoiceEvent event : events) {
            apply.accept(event);
            names.add(event.getClass().getSimpleName());
        }
        return new Applied(names);
    }

    private static String describe(InvoiceNumber invoice, TransactionChange change) {
        return "transaction " + change.transactionId() + " of invoice " + invoice;
    }

    @EventSourcingHandler
    void on(TransactionRecorded event) {
        invoiceNumber = event.invoiceNumber();
        items.put(event.transactionId(), new Item(new TransactionDetails(event.amount(), event.country(),
                event.invoiceDate(), event.document()), event.change()));
    }

    @EventSourcingHandler
    void on(TransactionAmountCorrected event) {
        update(event, d -> new TransactionDetails(event.correctedAmount(), d.country(), d.invoiceDate(), d.document()));
    }

    @EventSourcingHandler
    void on(TransactionCountryChanged event) {
        update(event, d -> new TransactionDetails(d.amount(), event.country(), d.invoiceDate(), d.document()));
    }

    @EventSourcingHandler
    void on(TransactionInvoiceDateChanged event) {
        update(event, d -> new TransactionDetails(d.amount(), d.country(), event.invoiceDate(), d.document()));
    }

    @EventSourcingHandler
    void on(TransactionDocumentChanged event) {
        update(event, d -> new TransactionDetails(d.amount(), d.country(), d.invoiceDate(), event.document()));
    }

    @EventSourcingHandler
    void on(TransactionRemoved event) {
        items.put(event.transactionId(), new Item(null, event.change()));
    }

    @EventSourcingHandler
    void on(TransactionExpired event) {
        items.put(event.transactionId(), new Item(null, event.change()));
    }

    @EventSourcingHandler
    void on(CountryVerifierAssigned event) {
        invoiceNumber = event.invoiceNumber();
        verifiers.put(event.country(), event.verifier());
    }

    @EventSourcingHandler
    void on(CountryVerifierRemoved event) {
        verifiers.remove(event.country());
    }

    private void update(InvoiceEvent event, java.util.function.UnaryOperator<TransactionDetails> change) {
        Item item = items.get(event.transactionId());
        items.put(event.transactionId(), new Item(change.apply(item.details()), event.change()));
    }

    /**
     * What the invoice knows of one transaction item.
     *
     * @param details the current values; null once the item is removed or expired
     */
    private record Item(TransactionDetails details, SequenceNumber lastSequence, String lastEventId) {
        Item(TransactionDetails details, ChangeIdentity change) {
            this(details, change.sequence(), change.eventId());
        }
    }
}
