package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.dynamodb.TableBootstrap.BootstrapRefused;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import io.invoicestreams.adapters.support.EventTotals;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * {@code bootstrap} against DynamoDB Local: items written before the table had a stream, changes in the stream
 * before the bootstrap, changes while its scan runs (between its pages), and changes after it. Once the service's
 * consumer has read the stream, each invoice's events add up to the table's sum, every live item is known once,
 * only the invoice the stream saw created opens a new invoice, and nothing is parked but the one unreadable item.
 */
class TableBootstrapIT {

    private final DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
    private final String table = "Boot_" + UUID.randomUUID().toString().substring(0, 8);
    private final InvoiceItems items = new InvoiceItems(dynamoDb, table);

    private void createTableWithoutStream() {
        InvoiceItems.createTableWithoutStream(dynamoDb, table);
    }

    private static String invoice(int i) {
        return Integer.toString(7_000_000 + i % 20);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_table_older_than_its_stream_is_taken_in_once_and_the_stream_followed_on_without_counting_twice(
            TestDatabases database) {
        createTableWithoutStream();
        for (int i = 0; i < 200; i++) {
            items.put(invoice(i), "T" + i, "$" + (i % 30 + 1), "USA", "06062016");
        }
        items.put("7000099", "unreadable", "abc", "USA", null); // parked by the import, with its reason
        dynamoDb.updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(true)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));

        // In the stream before the bootstrap: an old item corrected, an old item deleted, a new invoice.
        items.setAmount(invoice(3), "T3", "$77");
        items.delete(invoice(4), "T4");
        items.put("7100001", "N1", "$5", "UK", null);

        // While the scan runs, between its pages of 25: two items change, one is deleted, and a new invoice appears.
        AtomicInteger pages = new AtomicInteger();
        DynamoDbClient scanning = new Interleaving(dynamoDb, () -> {
            switch (pages.incrementAndGet()) {
                case 1 -> items.setAmount(invoice(0), "T0", "$1000");
                case 2 -> items.put("7100002", "N2", "$9", "USA", null);
                case 3 -> items.delete(invoice(190), "T190");
                case 4 -> items.setAmount(invoice(195), "T195", "$0");
                default -> { }
            }
        });

        try (InvoiceEventStore store = InvoiceEventStore.start(database.fresh(), "boot", Duration.ofSeconds(5),
                Clock.systemUTC(), c -> { })) {
            TableBootstrap bootstrap = StreamIngestion.bootstrap(store, scanning, LocalDynamoDb.clients().streams(),
                    table, Currency.getInstance("USD"), StreamMetrics.NONE,
                    new TableBootstrap.Settings(25, Duration.ofSeconds(30)), Clock.systemUTC());
            List<String> progress = new ArrayList<>();
            TableBootstrap.Result result = bootstrap.run(progress::add);

            assertThat(pages.get()).as("the scan ran over several pages").isGreaterThan(4);
            // The scan reads in hash order, so whether it saw N2 (added) and T190 (deleted) depends on where they
            // fall. Either way the stream holds records of both from before the marker.
            assertThat(result.scanned()).as("199 old items, the unreadable one and N1; N2 and T190 if read")
                    .isBetween(201L, 203L);
            assertThat(result.streamTold()).as("T3, N1, T0 and T195, and N2 and T190 if read, have records before"
                    + " the marker").isEqualTo(result.scanned() - 196);
            assertThat(result.imported()).as("the 200 old items but T0, T3, T4, T190 and T195").isEqualTo(195);
            assertThat(result.parked()).isEqualTo(1);
            assertThat(store.parkedRecords().list(0, 10)).singleElement().satisfies(p ->
                    assertThat(p.reason()).contains("Amount 'abc'"));
            assertThat(progress).anyMatch(line -> line.contains("items are told by the stream"));
            assertThat(store.bootstrapRuns().latestFinished(table)).hasValueSatisfying(run ->
                    assertThat(run.items()).isEqualTo(195));

            // After the bootstrap, before the service follows the stream: an imported item changes.
            items.setAmount(invoice(10), "T10", "$3");

            try (DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb,
                    LocalDynamoDb.clients().streams(), table, Currency.getInstance("USD"), StreamMetrics.NONE,
                    StreamIngestionIT.FAST, Clock.systemUTC())) {
                consumer.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> totalsFromEvents(store).equals(tableSums()));
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> totalsFromEvents(store).equals(tableSums()));
            }

            List<InvoiceEvent> events = events(store);
            assertThat(events.stream().filter(e -> e instanceof InvoiceEvent.TransactionRecorded r && r.opensInvoice())
                    .map(e -> e.invoiceNumber().value()))
                    .as("only the invoices the stream saw created are new")
                    .containsExactlyInAnyOrder("7100001", "7100002");
            Map<String, Integer> recordedPerItem = new HashMap<>();
            events.stream().filter(InvoiceEvent.TransactionRecorded.class::isInstance)
                    .forEach(e -> recordedPerItem.merge(e.invoiceNumber() + "|" + e.transactionId(), 1,
                            Integer::sum));
            assertThat(recordedPerItem).as("each item recorded once, by the import or by the stream")
                    .hasSize(200).allSatisfy((item, times) -> assertThat(times).as(item).isEqualTo(1));
            Map<String, Boolean> fromScan = new HashMap<>();
            events.stream().filter(InvoiceEvent.TransactionRecorded.class::isInstance).forEach(e ->
                    fromScan.put(e.transactionId().value(), e.change().fromTableScan()));
            assertThat(fromScan).as("an item the stream holds records of is told by the stream alone, the rest"
                    + " by the table scan").isNotEmpty().allSatisfy((item, scanned) -> assertThat(scanned).as(item)
                    .isEqualTo(!List.of("T0", "T3", "T195", "N1", "N2").contains(item)));
            assertThat(events).filteredOn(e -> e.transactionId().value().equals("T0"))
                    .as("T0, changed while the scan ran: recorded once, as the stream last saw it")
                    .singleElement().isInstanceOfSatisfying(InvoiceEvent.TransactionRecorded.class, r ->
                            assertThat(r.amount().amount()).isEqualByComparingTo("1000"));
            assertThat(store.parkedRecords().count()).as("the deletion of T4 and T190 is explained, not parked")
                    .isEqualTo(1);

            // Again: the store holds every item as it is, so a second run imports no event.
            TableBootstrap.Result again = StreamIngestion.bootstrap(store, dynamoDb,
                    LocalDynamoDb.clients().streams(), table, Currency.getInstance("USD"), StreamMetrics.NONE,
                    new TableBootstrap.Settings(100, Duration.ofSeconds(30)), Clock.systemUTC()).run(line -> { });
            assertThat(again.events()).isZero();
            assertThat(totalsFromEvents(store)).isEqualTo(tableSums());
            assertThat(dynamoDb.scan(b -> b.tableName(table)).items())
                    .as("the markers are gone from the table")
                    .noneMatch(i -> i.get(ChangeTranslator.INVOICE_NUMBER).s().equals(ChangeTranslator.BOOTSTRAP_MARKER));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.class, names = "H2")
    void a_table_without_a_stream_is_refused_with_what_to_do(TestDatabases database) {
        createTableWithoutStream();
        items.put("1", "A", "$1", "USA", null);
        try (InvoiceEventStore store = InvoiceEventStore.start(database.fresh(), "boot", Duration.ofSeconds(5),
                Clock.systemUTC(), c -> { })) {
            TableBootstrap bootstrap = StreamIngestion.bootstrap(store, dynamoDb, LocalDynamoDb.clients().streams(),
                    table, Currency.getInstance("USD"), StreamMetrics.NONE,
                    new TableBootstrap.Settings(100, Duration.ofSeconds(5)), Clock.systemUTC());
            assertThatThrownBy(() -> bootstrap.run(line -> { })).isInstanceOf(BootstrapRefused.class)
                    .hasMessageContaining("has no stream enabled");
            assertThat(store.readAll()).isEmpty();
        }
    }

    private static List<InvoiceEvent> events(InvoiceEventStore store) {
        return EventTotals.events(store);
    }

    private static Map<String, BigDecimal> totalsFromEvents(InvoiceEventStore store) {
        return EventTotals.of(store);
    }

    /** The table's sums per invoice, from a scan: what the totals must come to. */
    private Map<String, BigDecimal> tableSums() {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (Map<String, AttributeValue> item : dynamoDb.scan(b -> b.tableName(table).consistentRead(true)).items()) {
            String amount = item.get("Amount").s();
            if (amount.startsWith("$")) {
                sums.merge(item.get(ChangeTranslator.INVOICE_NUMBER).s(), new BigDecimal(amount.substring(1)),
                        BigDecimal::add);
            }
        }
        return EventTotals.normalized(sums);
    }

    /** The real client, with a user's change made after each Scan page: changes while the scan runs. */
    private record Interleaving(DynamoDbClient real, Runnable afterEachPage) implements DynamoDbClient {
        @Override
        public ScanResponse scan(ScanRequest request) {
            ScanResponse page = real.scan(request);
            afterEachPage.run();
            return page;
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            return real.putItem(request);
        }

        @Override
        public DeleteItemResponse deleteItem(DeleteItemRequest request) {
            return real.deleteItem(request);
        }

        @Override
        public DescribeTableResponse describeTable(DescribeTableRequest request) {
            return real.describeTable(request);
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            return real.getItem(request);
        }

        @Override
        public String serviceName() {
            return real.serviceName();
        }

        @Override
        public void close() {
        }
    }
}
