package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.support.InMemoryStreams;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * A shard split: the child shard is listed first and already has records, but the parent's records of the same
 * item come first in time, so the parent must be read to its end before the child. DynamoDB Local never splits a
 * shard, so the stream is served from memory; the table and event store are real.
 */
class ShardLineageIT {

    private static Record record(long sequence, OperationType op, String transaction, String amount, String old) {
        Map<String, AttributeValue> keys = Map.of("InvoiceNumber", AttributeValue.fromS("5500"),
                "TransactionIdentifier", AttributeValue.fromS(transaction));
        StreamRecord.Builder stream = StreamRecord.builder().keys(keys).sequenceNumber(Long.toString(sequence))
                .approximateCreationDateTime(Instant.parse("2026-11-23T10:00:00Z").plusSeconds(sequence))
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
        if (amount != null) {
            stream.newImage(image(keys, amount));
        }
        if (old != null) {
            stream.oldImage(image(keys, old));
        }
        return Record.builder().eventID("e" + sequence).eventName(op).dynamodb(stream.build()).build();
    }

    private static Map<String, AttributeValue> image(Map<String, AttributeValue> keys, String amount) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(keys);
        item.put("Amount", AttributeValue.fromS(amount));
        item.put("Trans_country", AttributeValue.fromS("USA"));
        item.put("InvoiceDoc", AttributeValue.fromM(InvoiceItems.document("Vendor1 Inc")));
        return item;
    }

    @Test
    void a_child_shard_waits_until_its_parent_is_read_to_the_end() {
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        String table = "Split_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InMemoryStreams streams = new InMemoryStreams()
                .shard("shardId-child", "shardId-parent", false, List.of(
                        record(300, OperationType.MODIFY, "X", "$3", "$2"),
                        record(400, OperationType.INSERT, "Y", "$9", null)))
                .shard("shardId-parent", null, true, List.of(
                        record(100, OperationType.INSERT, "X", "$1", null),
                        record(200, OperationType.MODIFY, "X", "$2", "$1")));

        try (InvoiceEventStore store = InvoiceEventStore.start(TestDatabases.H2.fresh(), "lineage",
                Duration.ofSeconds(5), Clock.systemUTC(), c -> { });
             DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams, table,
                     java.util.Currency.getInstance("USD"), StreamMetrics.NONE, StreamIngestionIT.FAST,
                     Clock.systemUTC())) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> store.readAll().size() == 4);

            assertThat(streams.readOrder()).containsExactly("shardId-parent", "shardId-child");
            assertThat(store.readAll().stream().map(TrackedEventMessage::getPayload).map(InvoiceEvent.class::cast)
                    .map(e -> switch (e) {
                        case InvoiceEvent.TransactionRecorded r -> "recorded " + r.transactionId() + " " + r.amount();
                        case InvoiceEvent.TransactionAmountCorrected c -> "corrected " + c.transactionId() + " "
                                + c.previousAmount() + " -> " + c.correctedAmount();
                        default -> e.toString();
                    })).containsExactly("recorded X 1.00 USD", "corrected X 1.00 USD -> 2.00 USD",
                    "corrected X 2.00 USD -> 3.00 USD", "recorded Y 9.00 USD");
            String streamArn = consumer.status().stream().orElseThrow();
            ShardLeases leases = new ShardLeases(store.tokenStore(), store.transactions());
            assertThat(leases.claim(ShardLeases.leaseName(streamArn, "shardId-parent")))
                    .hasValueSatisfying(c -> assertThat(c.shardEnded()).isTrue());
        }
    }
}
