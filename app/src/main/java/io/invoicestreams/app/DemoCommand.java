package io.invoicestreams.app;

import io.invoicestreams.adapters.archive.ArchiveFlusher;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.app.notifications.NotificationsAssembly;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.totals.TotalsStore;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.axonframework.eventhandling.TrackedEventMessage;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The seed of the issue, end to end: clears the seed items, writes the five rows, sets one amount to $0, deletes
 * one transaction, waits until the stream consumer has stored their events, and prints them.
 */
@ApplicationScoped
public class DemoCommand {

    static final String DOC = "{\"Vendor Name\":\"Vendor1 Inc\",\"NumberofItems\":\"5\","
            + "\"ItemsDesc\":[{\"laptops\":{\"Quantity\":2},\"desktops\":{\"Quantity\":1},\"printer\":{\"Quantity\":2}}]}";
    static final List<String[]> SEED = List.of(
            new String[]{"1212121", "Client1_trans1xxxx", "$100", "USA", "06062016"},
            new String[]{"1212121", "Client1_trans2xxxx", "$500", "USA", "06062016"},
            new String[]{"1212122", "Client2_trans1xxx", "$200", "UK", "06062016"},
            new String[]{"1212121", "Client2_trans1xxxx", "$500", "China", "06062016"},
            new String[]{"1212123", "Client3_trans1xxx", "$1000", "USA", ""});

    private final DynamoDbClient dynamoDb;
    private final InvoiceTransactionsTable table;
    private final InvoiceEventStore store;
    private final ProjectionControl projections;
    private final TotalsStore totals;
    private final ArchiveFlusher archive;
    private final SearchIndex search;
    private final NotificationsAssembly.Channels channels;
    private final DeadLetters.Queues deadLetters;

    DemoCommand(DynamoDbClient dynamoDb, InvoiceTransactionsTable table, InvoiceEventStore store,
                ProjectionControl projections, TotalsStore totals, ArchiveFlusher archive, SearchIndex search,
                NotificationsAssembly.Channels channels, DeadLetters.Queues deadLetters) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.store = store;
        this.projections = projections;
        this.totals = totals;
        this.archive = archive;
        this.search = search;
        this.channels = channels;
        this.deadLetters = deadLetters;
    }

    int run(PrintStream out) {
        String table = this.table.tableName();
        long head = store.headIndex();
        int expected = 0;
        for (String[] row : SEED) {
            var old = dynamoDb.deleteItem(b -> b.tableName(table).key(key(row[0], row[1])).returnValues(ReturnValue.ALL_OLD));
            if (old.hasAttributes() && !old.attributes().isEmpty()) {
                expected++;
            }
        }
        for (String[] row : SEED) {
            Map<String, AttributeValue> item = new LinkedHashMap<>(key(row[0], row[1]));
            item.put("Amount", AttributeValue.fromS(row[2]));
            item.put("Trans_country", AttributeValue.fromS(row[3]));
            item.put("Invoice_dt", AttributeValue.fromS(row[4]));
            item.put("InvoiceDoc", AttributeValue.fromS(DOC));
            dynamoDb.putItem(b -> b.tableName(table).item(item));
        }
        dynamoDb.updateItem(b -> b.tableName(table).key(key("1212123", "Client3_trans1xxx"))
                .updateExpression("SET Amount = :a").expressionAttributeValues(Map.of(":a", AttributeValue.fromS("$0"))));
        dynamoDb.deleteItem(b -> b.tableName(table).key(key("1212122", "Client2_trans1xxx")));
        expected += SEED.size() + 2;

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<TrackedEventMessage<?>> stored = after(head);
        while (stored.size() < expected && System.nanoTime() < deadline) {
            sleep();
            stored = after(head);
        }
        out.print(table(stored));
        if (stored.size() < expected) {
            System.err.println("invoice-streams: demo: only " + stored.size() + " of " + expected
                    + " events were stored within 60 s; is the stream consumer running? see /q/health");
            return 1;
        }
        out.printf("%d changes made, %d domain events stored. Parked records: %d.%n", expected, stored.size(),
                store.parkedRecords().count());
        for (String name : projections.names()) {
            if (!projections.awaitCaughtUp(name, Duration.ofSeconds(60), Duration.ofMillis(100), p -> { })) {
                System.err.println("invoice-streams: demo: the read model " + name + " did not catch up within 60 s;"
                        + " see GET /projections");
                return 1;
            }
        }
        out.println();
        out.println("Totals (InvoiceTotal):");
        for (String invoice : List.of("1212121", "1212122", "1212123")) {
            totals.find(new InvoiceNumber(invoice)).ifPresent(total -> out.printf("  %s  %s%n", invoice,
                    total.totals().stream().map(Object::toString).collect(Collectors.joining(", "))));
        }
        var archived = archive.flushAll();
        out.printf("Audit archive: %d lines written in %d objects (%,d bytes of JSON lines, %,d gzipped).%n",
                archived.lines(), archived.objects(), archived.bytes(), archived.compressedBytes());
        var laptops = search.search(io.invoicestreams.projections.search.SearchQuery.text("laptops"));
        out.printf("Search 'laptops': %s.%n", laptops.hits().isEmpty() ? "no hits"
                : laptops.hits().stream().map(h -> h.id()).collect(Collectors.joining(", ")));
        printNotifications(out);
        out.println("Assign verifiers with PUT /invoices/{n}/countries/{c}/verifier; see the README.");
        return 0;
    }

    /**
     * Reads the notification queues back (on the embedded SQS only, where nobody else consumes them): the payment
     * messages of new invoices and the zero-amount alerts. An invoice is new only once, so a second demo on the same
     * data sends no payment messages.
     */
    private void printNotifications(PrintStream out) {
        if (channels.sqs().isEmpty()) {
            return;
        }
        var sqs = channels.sqs().get();
        for (String channel : List.of("payments", "alerts")) {
            channels.queueUrl(channel).ifPresent(url -> {
                List<String> bodies = new ArrayList<>();
                List<software.amazon.awssdk.services.sqs.model.Message> batch;
                do {
                    batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                            .waitTimeSeconds(1)).messages();
                    for (var message : batch) {
                        bodies.add(message.body());
                        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
                    }
                } while (!batch.isEmpty());
                out.printf("Notifications, %s queue: %d message(s)%s%n", channel, bodies.size(),
                        bodies.isEmpty() ? "" : ":");
                bodies.forEach(body -> out.println("  " + body));
            });
        }
        long parked = deadLetters.groups().stream().mapToLong(deadLetters::size).sum();
        if (parked > 0) {
            out.printf("Parked notifications: %d (see dlq list notifications).%n", parked);
        }
    }

    private List<TrackedEventMessage<?>> after(long head) {
        Set<String> demoInvoices = Set.of("1212121", "1212122", "1212123");
        List<TrackedEventMessage<?>> out = new ArrayList<>();
        for (TrackedEventMessage<?> e : store.readAfter(head)) {
            if (e.getPayload() instanceof InvoiceEvent ie
                    && demoInvoices.contains(ie.invoiceNumber().value())) {
                out.add(e);
            }
        }
        return out;
    }

    static String table(List<TrackedEventMessage<?>> events) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"#", "event", "invoice", "transaction", "amount", "country", "stream sequence"});
        for (TrackedEventMessage<?> message : events) {
            InvoiceEvent e = (InvoiceEvent) message.getPayload();
            String amount = switch (e) {
                case InvoiceEvent.TransactionRecorded r -> r.amount().toString();
                case InvoiceEvent.TransactionAmountCorrected c -> c.previousAmount() + " -> " + c.correctedAmount();
                case InvoiceEvent.TransactionRemoved r -> r.amount().toString();
                case InvoiceEvent.TransactionExpired x -> x.amount().toString();
                case InvoiceEvent.TransactionCountryChanged ignored -> "";
                case InvoiceEvent.TransactionInvoiceDateChanged ignored -> "";
                case InvoiceEvent.TransactionDocumentChanged ignored -> "";
            };
            String country = switch (e) {
                case InvoiceEvent.TransactionRecorded r -> r.country().value();
                case InvoiceEvent.TransactionAmountCorrected c -> c.country().value();
                case InvoiceEvent.TransactionRemoved r -> r.country().value();
                case InvoiceEvent.TransactionExpired x -> x.country().value();
                case InvoiceEvent.TransactionCountryChanged c -> c.previousCountry() + " -> " + c.country();
                case InvoiceEvent.TransactionInvoiceDateChanged ignored -> "";
                case InvoiceEvent.TransactionDocumentChanged ignored -> "";
            };
            rows.add(new String[]{Long.toString(message.trackingToken().position().orElse(-1)),
                    e.getClass().getSimpleName(), e.invoiceNumber().value(), e.transactionId().value(), amount, country,
                    e.change().sequence().value()});
        }
        return TextTable.render(rows);
    }

    private static Map<String, AttributeValue> key(String invoice, String transaction) {
        return Map.of("InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
