package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.support.FaultInjectingStreams;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;

/** Stream conditions that a production stream meets, against DynamoDB Local with faults injected into the client. */
class StreamEdgeCasesIT {

    private final DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();

    /** Records what the consumer reports. */
    static final class RecordingMetrics implements StreamMetrics {
        final List<String> trimmedShards = new CopyOnWriteArrayList<>();

        @Override
        public void trimmedData(String shardId) {
            trimmedShards.add(shardId);
        }
    }

    private String newTable() {
        String table = "Edge_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        return table;
    }

    private static List<String> eventKeys(InvoiceEventStore store) {
        return store.readAll().stream().map(TrackedEventMessage::getPayload).map(InvoiceEvent.class::cast)
                .map(e -> e.getClass().getSimpleName() + " " + e.transactionId()).toList();
    }

    @Test
    void an_expired_iterator_and_trimmed_data_are_survived_and_every_change_is_stored_once() {
        String table = newTable();
        FaultInjectingStreams streams = new FaultInjectingStreams(LocalDynamoDb.clients().streams());
        RecordingMetrics metrics = new RecordingMetrics();
        InvoiceItems items = new InvoiceItems(dynamoDb, table);
        try (InvoiceEventStore store = InvoiceEventStore.start(TestDatabases.H2.fresh(), "edge",
                Duration.ofSeconds(5), Clock.systemUTC(), c -> { });
             DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams, table,
                     Currency.getInstance("USD"), metrics, StreamIngestionIT.FAST, Clock.systemUTC())) {
            consumer.start();
            items.put("1", "A", "$1", "USA", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> eventKeys(store).size() == 1);

            streams.failNextGetRecords(() -> ExpiredIteratorException.builder().message("Iterator expired").build());
            items.put("1", "B", "$2", "USA", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> eventKeys(store).size() == 2);

            // Trimmed: the consumer reports the gap and re-reads from TRIM_HORIZON; the aggregate skips what it has.
            streams.failNextGetRecords(() -> TrimmedDataAccessException.builder()
                    .message("the requested data is beyond the trim horizon").build());
            items.put("1", "C", "$3", "USA", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> eventKeys(store).size() == 3);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> eventKeys(store).size() == 3);

            assertThat(streams.allFaultsRaised()).isTrue();
            assertThat(eventKeys(store)).containsExactly("TransactionRecorded A", "TransactionRecorded B",
                    "TransactionRecorded C");
            assertThat(metrics.trimmedShards).hasSize(1);
            assertThat(consumer.status().dataLoss()).hasValueSatisfying(e -> assertThat(e)
                    .contains("DATA LOST UPSTREAM: records of shard " + metrics.trimmedShards.getFirst()));
        }
    }

    @Test
    void a_stream_disabled_and_enabled_again_is_followed_under_its_new_arn() {
        String table = newTable();
        InvoiceTransactionsTable invoiceTable = new InvoiceTransactionsTable(dynamoDb, table);
        String firstArn = invoiceTable.latestStreamArn().orElseThrow();
        InvoiceItems items = new InvoiceItems(dynamoDb, table);
        try (InvoiceEventStore store = InvoiceEventStore.start(TestDatabases.H2.fresh(), "edge",
                Duration.ofSeconds(5), Clock.systemUTC(), c -> { });
             DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb,
                     LocalDynamoDb.clients().streams(), table, Currency.getInstance("USD"), StreamMetrics.NONE,
                     StreamIngestionIT.FAST, Clock.systemUTC())) {
            consumer.start();
            items.put("2", "A", "$1", "USA", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> eventKeys(store).size() == 1);

            dynamoDb.updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
            dynamoDb.updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(true)
                    .streamViewType(StreamViewType.NEW_IMAGE)));
            String secondArn = invoiceTable.latestStreamArn().orElseThrow();
            assertThat(secondArn).isNotEqualTo(firstArn);

            items.setAmount("2", "A", "$5");
            items.put("2", "B", "$2", "USA", null);
            await().atMost(Duration.ofSeconds(20)).until(() -> eventKeys(store).size() == 3);
            assertThat(eventKeys(store)).containsExactly("TransactionRecorded A",
                    "TransactionAmountCorrected A", "TransactionRecorded B");
            assertThat(consumer.status().stream()).contains(secondArn);
        }
    }
}
