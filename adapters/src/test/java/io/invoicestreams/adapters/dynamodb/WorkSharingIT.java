package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.eventstore.FairShare;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.InMemoryStreams;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Two nodes on one PostgreSQL event store split the work: the stream's four shards (served from memory, since
 * DynamoDB Local has one) and a processor's four segments, two each, through Axon's claims. When one node leaves,
 * the other takes all of it. Every record becomes one event, whichever node read it.
 */
class WorkSharingIT {

    private static final String PROCESSOR = "sharing-check";

    /** Counts the events handled, on every node. */
    public static final class Seen {
        final Set<String> ids = ConcurrentHashMap.newKeySet();

        @EventHandler
        void on(InvoiceEvent event, org.axonframework.eventhandling.EventMessage<?> message) {
            ids.add(message.getIdentifier());
        }
    }

    private record Node(InvoiceEventStore store, FairShare share, DynamoDbStreamConsumer consumer)
            implements AutoCloseable {
        int shards() {
            return consumer.status().ownedShards();
        }

        int segments() {
            return ((StreamingEventProcessor) store.configuration().eventProcessingConfiguration()
                    .eventProcessor(PROCESSOR).orElseThrow()).processingStatus().size();
        }

        @Override
        public void close() {
            consumer.close();
            share.close();
            store.close();
        }
    }

    private static Node node(String url, String id, InMemoryStreams streams, DynamoDbClient dynamoDb, String table,
                             Seen seen) {
        JdbcTransactions db = new JdbcTransactions(EventStoreDatabase.pool(url, TestDatabases.PG_USER, "", 4));
        InvoiceEventStore store = InvoiceEventStore.start(db, id, Duration.ofSeconds(2), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(PROCESSOR, seen)),
                        new ProjectionProcessors.Settings(10, 4, Duration.ofMillis(200))));
        FairShare share = new FairShare(store, Duration.ofMillis(300), Duration.ofSeconds(2));
        DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams, table,
                java.util.Currency.getInstance("USD"), StreamMetrics.NONE, StreamIngestionIT.FAST, Clock.systemUTC());
        consumer.shareShards(share::share);
        consumer.start();
        return new Node(store, share, consumer);
    }

    @Test
    void two_nodes_split_shards_and_segments_and_one_takes_all_when_the_other_leaves() throws Exception {
        String schema = "sharing_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL, TestDatabases.PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = TestDatabases.PG_URL + "?currentSchema=" + schema;
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        String table = "Sharing_" + schema;
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InMemoryStreams streams = new InMemoryStreams();
        long sequence = 0;
        for (int shard = 0; shard < 4; shard++) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                sequence++;
                records.add(InMemoryStreams.insert(Integer.toString(4_400_000 + shard), sequence, "$" + sequence,
                        Instant.parse("2026-12-01T10:00:00Z").plusSeconds(sequence)));
            }
            streams.shard("shardId-" + shard, null, false, records);
        }
        Seen seen = new Seen();

        try (Node a = node(url, "node-a", streams, dynamoDb, table, seen)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.shards() == 4 && a.segments() == 4);
            Instant joined = Instant.now();
            try (Node b = node(url, "node-b", streams, dynamoDb, table, seen)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> a.shards() == 2 && b.shards() == 2
                        && a.segments() == 2 && b.segments() == 2);
                System.out.printf("RELIABILITY sharing: a second node had 2 of 4 shards and 2 of 4 segments %d ms"
                        + " after it started%n", Duration.between(joined, Instant.now()).toMillis());
                assertThat(a.share().members()).isEqualTo(2);
                await().atMost(Duration.ofSeconds(30)).until(() -> a.store().readAll().size() == 100);
            }
            Instant left = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() -> a.shards() == 4 && a.segments() == 4);
            System.out.printf("RELIABILITY sharing: the remaining node had all shards and segments %d ms after the"
                    + " other left%n", Duration.between(left, Instant.now()).toMillis());
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.ids.size() == 100);
            assertThat(a.store().readAll()).hasSize(100); // each record one event, whichever node read it
        }
    }
}
