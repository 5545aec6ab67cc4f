package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.source.ShardLag;
import io.invoicestreams.adapters.support.InMemoryStreams;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * One node and 64 open shards (served from memory; DynamoDB Local has one), far more than the 8 shard workers this
 * service once had: an open shard never ends, so a fixed pool would leave the others unread. Every record of every
 * shard is stored, each shard's lag is reported on its own, and the largest of them never reads 0 while a record
 * is still to be stored.
 */
class ManyShardsIT {

    private static final int SHARDS = 64;
    private static final int RECORDS_PER_SHARD = 30;

    /** The lag of each shard being read, as the metrics registry would hold it. */
    static final class Lags implements StreamMetrics {
        final Map<String, ShardLag> reading = new ConcurrentHashMap<>();
        final Set<String> everRead = ConcurrentHashMap.newKeySet();

        @Override
        public void shardStarted(String shardId, ShardLag lag) {
            reading.put(shardId, lag);
            everRead.add(shardId);
        }

        @Override
        public void shardStopped(String shardId) {
            reading.remove(shardId);
        }

        Duration max() {
            return reading.values().stream().map(ShardLag::lag).max(Duration::compareTo).orElse(Duration.ZERO);
        }
    }

    @Test
    void every_record_of_64_open_shards_is_stored_and_the_largest_lag_is_0_only_once_all_are() throws Exception {
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        String table = "ManyShards_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InMemoryStreams streams = new InMemoryStreams();
        Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
        long sequence = 0;
        Set<String> expected = new HashSet<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_SHARD; i++) {
                sequence++;
                records.add(InMemoryStreams.insert(Integer.toString(6_400_000 + shard), sequence, "$" + sequence,
                        anHourAgo.plusMillis(sequence)));
                expected.add("T" + sequence);
            }
            streams.shard("shardId-" + shard, null, false, records); // open: its iterator never ends
        }
        JdbcTransactions db = TestDatabases.H2.fresh();
        Lags lags = new Lags();
        // Pages of 5 records: each shard takes several reads, so the readers are behind for a while.
        DynamoDbStreamConsumer.Settings settings = new DynamoDbStreamConsumer.Settings(5, Duration.ofMillis(20),
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMillis(500),
                DynamoDbStreamConsumer.Settings.NO_SHARD_LIMIT, Duration.ofSeconds(1));

        try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                c -> { })) {
            DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams, table,
                    Currency.getInstance("USD"), lags, settings, Clock.systemUTC());
            Instant started = Instant.now();
            consumer.start();
            try {
                java.util.concurrent.atomic.AtomicInteger samplesBehind = new java.util.concurrent.atomic.AtomicInteger();
                await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                        .until(() -> {
                            // The lag first, then the store: a largest lag of 0 means every reader had found its
                            // shard's tip, so every record was stored before the store is read.
                            Duration max = lags.max();
                            int stored = store.readAll().size();
                            if (max.isZero() && lags.reading.size() == SHARDS) {
                                assertThat(stored).as("the largest lag read 0, so every record was stored")
                                        .isEqualTo(SHARDS * RECORDS_PER_SHARD);
                                return true;
                            }
                            if (stored < SHARDS * RECORDS_PER_SHARD && !lags.reading.isEmpty()) {
                                samplesBehind.incrementAndGet();
                            }
                            return false;
                        });
                System.out.printf("BENCH many-shards: %d records of %d open shards stored in %d ms%n",
                        SHARDS * RECORDS_PER_SHARD, SHARDS, Duration.between(started, Instant.now()).toMillis());
                assertThat(samplesBehind.get()).as("the readers were seen behind before they caught up").isPositive();
                assertThat(consumer.status().ownedShards()).isEqualTo(SHARDS);
                assertThat(lags.everRead).hasSize(SHARDS);

                Set<String> transactions = new HashSet<>();
                store.readAll().forEach(e -> transactions.add(((InvoiceEvent) e.getPayload()).transactionId().value()));
                assertThat(transactions).isEqualTo(expected);
            } finally {
                consumer.close();
            }
            assertThat(lags.reading).as("a stopped reader reports no lag").isEmpty();
        }
    }
}
