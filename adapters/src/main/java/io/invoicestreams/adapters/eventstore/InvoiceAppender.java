package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.invoice.ApplyTransactionChanges;
import io.invoicestreams.domain.invoice.ChangeOutcome;
import io.invoicestreams.domain.invoice.Invoice;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.TransactionChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;

/**
 * The stream's changes applied to their invoices without a command per invoice (issue 14, ADR 0021): load every
 * invoice of a batch at once, let each {@link Invoice} decide, and append all the batch's events in one JDBC batch,
 * inside the caller's transaction. It keeps Axon's rules and formats: the events go to Axon's storage engine with
 * the aggregate type, identifier and sequence numbers that Axon's repository uses, so Axon loads these invoices,
 * its processors read these events, and the unique (aggregate, sequence) key of the store refuses a second writer.
 *
 * <p>Loaded invoices are kept, at most {@code cacheSize} of them, least recently used first out. An entry is
 * <em>taken</em> out of the cache while a batch works on it and put back only once that batch's transaction has
 * committed: a batch that rolls back leaves nothing behind, and a second batch on the same invoice meanwhile loads
 * it from the store, where the unique key makes one of the two fail and retry.
 */
public final class InvoiceAppender implements InvoiceChanges {

    /** The aggregate type Axon's repository gives the {@link Invoice}. */
    private static final String AGGREGATE_TYPE = Invoice.class.getSimpleName();

    /** Identifiers in one {@code IN} list when loading invoices. */
    static final int IDS_PER_QUERY = 500;

    private static final String COLUMNS = "type, aggregateIdentifier, sequenceNumber, eventIdentifier, timeStamp,"
            + " payloadType, payloadRevision, payload, metaData";

    /** H2 looks each identifier of an {@code IN} list up in the (aggregate, sequence) index. */
    private static final String LOAD_IN_LIST = "SELECT " + COLUMNS + " FROM DomainEventEntry"
            + " WHERE aggregateIdentifier IN (%s) ORDER BY aggregateIdentifier, sequenceNumber";

    /**
     * PostgreSQL misjudges how many rows an {@code IN} list of a few hundred identifiers matches, and scans the whole
     * table once it holds a few hundred thousand events; a lateral join looks each identifier up in the index.
     */
    private static final String LOAD_LATERAL = "SELECT e.* FROM unnest(?::varchar[]) WITH ORDINALITY AS ids(id, n)"
            + " CROSS JOIN LATERAL (SELECT " + COLUMNS + " FROM DomainEventEntry d"
            + " WHERE d.aggregateIdentifier = ids.id) e ORDER BY ids.n, e.sequenceNumber";

    private final JdbcTransactions transactions;
    private final EventStorageEngine engine;
    private final Serializer serializer;
    private final EventUpcaster upcasters;
    private final LoadedInvoices cache;
    private final Consumer<Set<InvoiceNumber>> afterAppend;
    private final Runnable appendedUncommitted;
    private final StreamTracing tracing;

    /**
     * @param afterAppend         told, after the transaction that appended them commits, which invoices got new events
     * @param appendedUncommitted told at once when events were appended, inside the transaction: Axon's embedded
     *                            store (the fallback of ADR 0020) learns of an append at that point, as it did
     *                            from Axon's unit of work before issue 14
     */
    public InvoiceAppender(JdbcTransactions transactions, EventStorageEngine engine, Serializer serializer,
                           EventUpcaster upcasters, int cacheSize, Consumer<Set<InvoiceNumber>> afterAppend,
                           Runnable appendedUncommitted, StreamTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
        this.cache = new LoadedInvoices(cacheSize);
        this.afterAppend = Objects.requireNonNull(afterAppend, "afterAppend");
        this.appendedUncommitted = Objects.requireNonNull(appendedUncommitted, "appendedUncommitted");
    }

    /** An invoice as stored, and the sequence number of its newest event (-1: none). */
    private record Loaded(Invoice invoice, long lastSequence) {
    }

    @Override
    public Map<InvoiceNumber, List<ChangeOutcome>> apply(Map<InvoiceNumber, List<TransactionChange>> changes) {
        if (!transactions.inTransaction()) {
            throw new IllegalStateException("changes are appended inside the caller's transaction; there is none");
        }
        Map<InvoiceNumber, Loaded> loaded = new HashMap<>();
        List<InvoiceNumber> missing = new ArrayList<>();
        for (InvoiceNumber invoice : changes.keySet()) {
            Loaded cached = cache.take(invoice);
            if (cached == null) {
                missing.add(invoice);
            } else {
                loaded.put(invoice, cached);
            }
        }
        loaded.putAll(load(missing));

        Map<InvoiceNumber, List<ChangeOutcome>> outcomes = new LinkedHashMap<>();
        Map<InvoiceNumber, Loaded> decided = new HashMap<>();
        List<DomainEventMessage<?>> messages = new ArrayList<>();
        Set<InvoiceNumber> appended = new HashSet<>();
        try (StreamTracing.Records records = tracing.records()) {
            decide(changes, loaded, outcomes, decided, messages, appended, records);
        }
        if (!messages.isEmpty()) {
            engine.appendEvents(messages);
            appendedUncommitted.run();
        }
        transactions.afterCommit(() -> {
            cache.putAll(decided);
            if (!appended.isEmpty()) {
                afterAppend.accept(appended);
            }
        });
        return outcomes;
    }

    /** Lets each invoice decide on its changes, and makes the messages of the events it decided. */
    private static void decide(Map<InvoiceNumber, List<TransactionChange>> changes, Map<InvoiceNumber, Loaded> loaded,
                               Map<InvoiceNumber, List<ChangeOutcome>> outcomes, Map<InvoiceNumber, Loaded> decided,
                               List<DomainEventMessage<?>> messages, Set<InvoiceNumber> appended,
                               StreamTracing.Records records) {
        for (Map.Entry<InvoiceNumber, List<TransactionChange>> group : changes.entrySet()) {
            InvoiceNumber invoice = group.getKey();
            Loaded before = loaded.get(invoice);
            List<Object> events = new ArrayList<>();
            outcomes.put(invoice, before.invoice().decide(new ApplyTransactionChanges(invoice, group.getValue()),
                    events));
            long sequence = before.lastSequence();
            for (Object event : events) {
                InvoiceEvent invoiceEvent = (InvoiceEvent) event;
                messages.add(message(invoice, ++sequence, invoiceEvent, records.metaData(invoice, invoiceEvent)));
            }
            if (!events.isEmpty()) {
                appended.add(invoice);
            }
            decided.put(invoice, new Loaded(before.invoice(), sequence));
        }
    }

    private static DomainEventMessage<?> message(InvoiceNumber invoice, long sequence, InvoiceEvent event,
                                                 MetaData metaData) {
        return new GenericDomainEventMessage<>(AGGREGATE_TYPE, invoice.value(), sequence,
                new GenericMessage<>(DeterministicEventIds.idFor(event), event, metaData),
                GenericEventMessage.clock.instant());
    }

    /** The invoices as their stored events leave them, in a few queries; an invoice with none starts empty. */
    private Map<InvoiceNumber, Loaded> load(List<InvoiceNumber> invoices) {
        Map<InvoiceNumber, Loaded> out = new HashMap<>();
        for (int from = 0; from < invoices.size(); from += IDS_PER_QUERY) {
            List<InvoiceNumber> chunk = invoices.subList(from, Math.min(invoices.size(), from + IDS_PER_QUERY));
            Map<String, List<DomainEventData<?>>> stored = query(chunk);
            for (InvoiceNumber invoice : chunk) {
                List<DomainEventData<?>> data = stored.getOrDefault(invoice.value(), List.of());
                Invoice state = Invoice.replay(List.of());
                long last = -1;
                DomainEventStream events = EventStreamUtils.upcastAndDeserializeDomainEvents(data.stream(),
                        serializer, upcasters);
                while (events.hasNext()) {
                    DomainEventMessage<?> event = events.next();
                    state.evolve(event.getPayload());
                    last = event.getSequenceNumber();
                }
                out.put(invoice, new Loaded(state, last));
            }
        }
        return out;
    }

    private Map<String, List<DomainEventData<?>>> query(List<InvoiceNumber> invoices) {
        Map<String, List<DomainEventData<?>>> stored = new HashMap<>();
        try {
            Connection connection = transactions.getConnection();
            try (PreparedStatement statement = prepareLoad(connection, invoices)) {
                statement.setFetchSize(1000);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>(rows.getString(1),
                                rows.getString(2), rows.getLong(3), rows.getString(4), rows.getString(5),
                                rows.getString(6), rows.getString(7), rows.getBytes(8), rows.getBytes(9));
                        stored.computeIfAbsent(entry.getAggregateIdentifier(), k -> new ArrayList<>()).add(entry);
                    }
                }
            } finally {
                connection.close();
            }
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("Loading the events of " + invoices.size() + " invoices failed",
                    e);
        }
        return stored;
    }

    private static PreparedStatement prepareLoad(Connection connection, List<InvoiceNumber> invoices)
            throws SQLException {
        String[] ids = invoices.stream().map(InvoiceNumber::value).toArray(String[]::new);
        if ("PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
            PreparedStatement statement = connection.prepareStatement(LOAD_LATERAL);
            statement.setArray(1, connection.createArrayOf("varchar", ids));
            return statement;
        }
        PreparedStatement statement = connection.prepareStatement(
                String.format(LOAD_IN_LIST, String.join(",", Collections.nCopies(ids.length, "?"))));
        for (int i = 0; i < ids.length; i++) {
            statement.setString(i + 1, ids[i]);
        }
        return statement;
    }

    /** Forgets every loaded invoice; the next batch loads its invoices from the store. */
    public void forgetAll() {
        cache.clear();
    }

    /** Forgets one invoice, whose events were appended by another path (an Axon command). */
    public void forget(InvoiceNumber invoice) {
        cache.remove(invoice);
    }

    /** A bounded least-recently-used map whose entries are taken out while in use. */
    private static final class LoadedInvoices {
        private final Map<InvoiceNumber, Loaded> entries;

        LoadedInvoices(int maxEntries) {
            this.entries = LeastRecentlyUsed.map(maxEntries, "invoice cache");
        }

        synchronized Loaded take(InvoiceNumber invoice) {
            return entries.remove(invoice);
        }

        synchronized void putAll(Map<InvoiceNumber, Loaded> loaded) {
            entries.putAll(loaded);
        }

        synchronized void remove(InvoiceNumber invoice) {
            entries.remove(invoice);
        }

        synchronized void clear() {
            entries.clear();
        }
    }
}
