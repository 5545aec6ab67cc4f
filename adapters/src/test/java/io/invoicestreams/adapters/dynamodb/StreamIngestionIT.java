package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionAmountCorrected;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRecorded;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRemoved;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.UUID;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** The whole source against real parts: DynamoDB Local with streams, and H2 or PostgreSQL as the event store. */
class StreamIngestionIT {

    static final DynamoDbStreamConsumer.Settings FAST = new DynamoDbStreamConsumer.Settings(1000,
            Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(500), 4,
            Duration.ofSeconds(1));

    private final DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
    private final DynamoDbStreamsClient streams = LocalDynamoDb.clients().streams();

    private static List<InvoiceEvent> events(InvoiceEventStore store) {
        return store.readAll().stream().map(TrackedEventMessage::getPayload).map(InvoiceEvent.class::cast).toList();
    }

    private InvoiceEventStore startStore(JdbcTransactions db, String node) {
        return InvoiceEventStore.start(db, node, Duration.ofSeconds(5), Clock.systemUTC(), c -> { });
    }

    private DynamoDbStreamConsumer consumer(InvoiceEventStore store, String table) {
        return StreamIngestion.consumer(store, dynamoDb, streams, table, Currency.getInstance("USD"),
                StreamMetrics.NONE, FAST, Clock.systemUTC());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void every_change_becomes_its_events_in_order_and_bad_records_are_parked(TestDatabases database) {
        String table = "InvoiceTransactions_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InvoiceItems items = new InvoiceItems(dynamoDb, table);
        JdbcTransactions db = database.fresh();

        try (InvoiceEventStore store = startStore(db, "node-a");
             DynamoDbStreamConsumer consumer = consumer(store, table)) {
            consumer.start();
            items.seed();
            items.setAmount("1212121", "Client1_trans1xxxx", "$150");
            items.delete("1212122", "Client2_trans1xxx");
            items.put("1212124", "Bad_amount", "abc", "USA", null);
            items.put("1212125", "No_country", "$5", null, null);

            await().atMost(Duration.ofSeconds(20)).until(() -> events(store).size() == 7
                    && store.parkedRecords().count() == 2);

            // DynamoDB orders records per item only; within an invoice the store keeps the stream's order.
            Map<String, List<String>> perInvoice = events(store).stream().collect(Collectors.groupingBy(
                    e -> e.invoiceNumber().value(), TreeMap::new, Collectors.mapping(
                            e -> e.getClass().getSimpleName() + " " + e.transactionId(), Collectors.toList())));
            assertThat(perInvoice).containsExactly(
                    Map.entry("1212121", List.of("TransactionRecorded Client1_trans1xxxx",
                            "TransactionRecorded Client1_trans2xxxx", "TransactionRecorded Client2_trans1xxxx",
                            "TransactionAmountCorrected Client1_trans1xxxx")),
                    Map.entry("1212122", List.of("TransactionRecorded Client2_trans1xxx",
                            "TransactionRemoved Client2_trans1xxx")),
                    Map.entry("1212123", List.of("TransactionRecorded Client3_trans1xxx")));
            Map<String, InvoiceEvent> byKey = events(store).stream().collect(Collectors.toMap(
                    e -> e.getClass().getSimpleName() + " " + e.transactionId(), e -> e));
            TransactionRecorded first = (TransactionRecorded) byKey.get("TransactionRecorded Client1_trans1xxxx");
            assertThat(first.amount()).hasToString("100.00 USD");
            assertThat(first.document().vendorName()).contains("Vendor1 Inc");
            assertThat(((TransactionRecorded) byKey.get("TransactionRecorded Client3_trans1xxx")).invoiceDate())
                    .isNull();
            TransactionAmountCorrected corrected =
                    (TransactionAmountCorrected) byKey.get("TransactionAmountCorrected Client1_trans1xxxx");
            assertThat(corrected.previousAmount()).hasToString("100.00 USD");
            assertThat(corrected.correctedAmount()).hasToString("150.00 USD");
            assertThat(((TransactionRemoved) byKey.get("TransactionRemoved Client2_trans1xxx")).amount())
                    .hasToString("200.00 USD");

            List<ParkedRecords.Parked> parked = store.parkedRecords().list(0, 10);
            assertThat(parked).extracting(ParkedRecords.Parked::reason).containsExactlyInAnyOrder(
                    "Amount 'abc' is not valid money: it is not a number with an optional currency symbol or code",
                    "attribute Trans_country is missing");
            assertThat(parked).allSatisfy(p -> assertThat(p.rawRecord()).contains("\"eventName\":\"INSERT\"")
                    .contains("\"NewImage\""));
        }

        // A restart resumes after the checkpoint: nothing is read into the store twice, and new changes follow.
        try (InvoiceEventStore store = startStore(db, "node-a");
             DynamoDbStreamConsumer consumer = consumer(store, table)) {
            consumer.start();
            items.setAmount("1212123", "Client3_trans1xxx", "$0");
            await().atMost(Duration.ofSeconds(20)).until(() -> events(store).size() == 8);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> events(store).size() == 8 && store.parkedRecords().count() == 2);
            assertThat(events(store).getLast()).isInstanceOf(TransactionAmountCorrected.class);
        }
    }
}
