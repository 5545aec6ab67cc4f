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

    /** Quick polls, as in {@link StreamIngestionIT#FAST}, and no cap on the shards a node reads: its fair share. */
    private static final DynamoDbStreamConsumer.Settings EVERY_SHARD = new DynamoDbStreamConsumer.Settings(1000,
            Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(500),
            DynamoDbStreamConsumer.Settings.NO_SHARD_LIMIT, Duration.ofSeconds(1));

    /** Counts the events handled, on every node. */
    public static final class Seen {
        final Set<String> ids = ConcurrentHashMap.newKeySet();

        @EventHandler
        void on(InvoiceEvent event, org.axonframework.eventhandling.EventMessage<?> message) {
            ids.add(message.getIdentifier());
        }
    }

    private record Node(InvoiceEventStore store, FairShare share, DynamoDbStreamConsumer consumer,
                        io.agroal.api.AgroalDataSource pool,
                        io.invoicestreams.adapters.support.FaultInjectingStreams streams) implements AutoCloseable {
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

    /**
     * Kills the node as far as the others can tell: its database connections are closed under it, so it can write
     * nothing more (no checkpoint, no event, no claim extended), and its stream calls fail.
     */
    private static void kill(Node node) {
        node.streams().die();
        node.pool().close();
    }

    private static Node node(String url, String id, InMemoryStreams shared, DynamoDbClient dynamoDb, String table,
                             Seen seen) {
        io.agroal.api.AgroalDataSource pool = EventStoreDatabase.pool(url, TestDatabases.PG_USER, "", 4);
        JdbcTransactions db = new JdbcTransactions(pool);
        var streams = new io.invoicestreams.adapters.support.FaultInjectingStreams(shared);
        InvoiceEventStore store = InvoiceEventStore.start(db, id, Duration.ofSeconds(2), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(PROCESSOR, seen)),
                        new ProjectionProcessors.Settings(10, 4, Duration.ofMillis(200))));
        FairShare share = new FairShare(store, Duration.ofMillis(300), Duration.ofSeconds(2));
        DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams, table,
                java.util.Currency.getInstance("USD"), StreamMetrics.NONE, EVERY_SHARD, Clock.systemUTC());
        consumer.shareShards(share::share);
        consumer.start();
        return new Node(store, share, consumer, pool, streams);
    }

    /** A fresh schema in the local PostgreSQL; returns its URL. */
    private static String schema(String prefix) throws Exception {
        String schema = prefix + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL, TestDatabases.PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return TestDatabases.PG_URL + "?currentSchema=" + schema;
    }

    /** {@code count} inserts of the invoice with the next sequence numbers. */
    private static List<Record> inserts(String invoice, long[] sequence, int count) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sequence[0]++;
            records.add(InMemoryStreams.insert(invoice, sequence[0], "$" + sequence[0],
                    Instant.parse("2026-12-01T10:00:00Z").plusSeconds(sequence[0])));
        }
        return records;
    }

    @Test
    void two_nodes_split_shards_and_segments_and_one_takes_all_when_the_other_leaves() throws Exception {
        String url = schema("sharing_");
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        String table = "Sharing_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InMemoryStreams streams = new InMemoryStreams();
        long[] sequence = {0};
        for (int shard = 0; shard < 4; shard++) {
            streams.shard("shardId-" + shard, null, false, inserts(Integer.toString(4_400_000 + shard), sequence, 25));
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

    /**
     * A shard split while the node reading it dies: every shard splits in two while one of two nodes is killed, its
     * two shards part read. The survivor takes the dead node's shards once their claims lapse, reads each parent to its
     * end before either child (DynamoDB lists the children first), and stores every record once.
     */
    @Test
    void a_shard_split_while_its_reader_dies_is_read_parent_first_and_once() throws Exception {
        String url = schema("splitdie_");
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        String table = "SplitDie_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InMemoryStreams streams = new InMemoryStreams();
        long[] sequence = {0};
        for (int shard = 0; shard < 4; shard++) {
            streams.shard("shardId-" + shard, null, false, inserts(Integer.toString(4_500_000 + shard), sequence, 25));
        }
        Seen seen = new Seen();
        Node b = null;
        try (Node a = node(url, "node-a", streams, dynamoDb, table, seen)) {
            b = node(url, "node-b", streams, dynamoDb, table, seen);
            Node second = b;
            await().atMost(Duration.ofSeconds(30)).until(() -> a.shards() == 2 && second.shards() == 2
                    && a.store().readAll().size() == 100);

            // The dead node's shards get records it never reads; then each shard splits, with records of the same
            // invoices in both children, which must come after the parent's in each invoice's history.
            kill(b);
            Instant killed = Instant.now();
            for (int shard = 0; shard < 4; shard++) {
                String invoice = Integer.toString(4_500_000 + shard);
                streams.append("shardId-" + shard, inserts(invoice, sequence, 10));
                streams.split("shardId-" + shard, java.util.Map.of(
                        "shardId-" + shard + "-a", inserts(invoice, sequence, 10),
                        "shardId-" + shard + "-b", inserts(invoice, sequence, 10)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> a.store().readAll().size() >= 220);
            Duration tookOver = Duration.between(killed, Instant.now());

            List<? extends org.axonframework.eventhandling.EventMessage<?>> events = a.store().readAll();
            assertThat(events).hasSize(220); // every record once, whichever node read it
            assertThat(events.stream().map(e -> e.getIdentifier()).distinct()).hasSize(220);
            List<InMemoryStreams.HandedOut> handedOut = streams.handedOut();
            for (int shard = 0; shard < 4; shard++) {
                String parent = "shardId-" + shard;
                int lastOfParent = lastIndex(handedOut, parent);
                for (String child : List.of(parent + "-a", parent + "-b")) {
                    int firstOfChild = firstIndex(handedOut, child);
                    assertThat(firstOfChild).as(child + " was read").isNotNegative();
                    assertThat(firstOfChild).as(child + " after the end of " + parent).isGreaterThan(lastOfParent);
                }
            }
            // the survivor owns the eight open children; the parents were read to their end and let go
            await().atMost(Duration.ofSeconds(10)).until(() -> a.shards() == 8);
            System.out.printf("RELIABILITY split during failover: the survivor stored all 220 records, parents before"
                    + " children, %d ms after the other node died%n", tookOver.toMillis());
        } finally {
            if (b != null) {
                try {
                    b.close();
                } catch (RuntimeException dead) {
                    // its pool is closed: a dead node cannot shut down cleanly
                }
            }
        }
    }

    private static int lastIndex(List<InMemoryStreams.HandedOut> handedOut, String shardId) {
        for (int i = handedOut.size() - 1; i >= 0; i--) {
            if (handedOut.get(i).shardId().equals(shardId)) {
                return i;
            }
        }
        return -1;
    }

    private static int firstIndex(List<InMemoryStreams.HandedOut> handedOut, String shardId) {
        for (int i = 0; i < handedOut.size(); i++) {
            if (handedOut.get(i).shardId().equals(shardId)) {
                return i;
            }
        }
        return -1;
    }
}
