package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.IngestProcess;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Two instances on one stream and one PostgreSQL event store: the shard's token claim lets only one read it, and
 * when that one is SIGKILLed the other takes the shard over from its checkpoint, with nothing lost or doubled.
 */
class TwoInstancesIT {

    static final int BEFORE_KILL = 400;
    static final int AFTER_KILL = 400;

    @TempDir
    Path temp;

    @Test
    void a_second_instance_waits_then_takes_over_a_killed_instances_shard() throws Exception {
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        URI endpoint = LocalDynamoDb.clients().endpoint().orElseThrow();
        String table = "Two_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        String[] db = CrashRecoveryIT.databaseUrl(TestDatabases.POSTGRESQL);
        InvoiceItems items = new InvoiceItems(dynamoDb, table);

        Process first = IngestProcess.start(endpoint, table, db[0], db[1], temp.resolve("first.log"));
        JdbcTransactions second = new JdbcTransactions(EventStoreDatabase.pool(db[0], db[1], "", 4));
        try (InvoiceEventStore store = InvoiceEventStore.start(second, "second", Duration.ofSeconds(2),
                Clock.systemUTC(), c -> { })) {
            for (int i = 0; i < BEFORE_KILL; i++) {
                items.put("77" + (i % 40), "T" + i, "$" + (i + 1), "USA", null);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> store.headIndex() >= 0
                    && store.readAll().size() == BEFORE_KILL);

            try (DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb,
                    LocalDynamoDb.clients().streams(), table, Currency.getInstance("USD"), StreamMetrics.NONE,
                    StreamIngestionIT.FAST, Clock.systemUTC())) {
                consumer.start();
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> consumer.status().ownedShards() == 0);
                assertThat(consumer.status().lastSuccessfulPoll())
                        .as("a node that waits its turn still reports the stream answering, for readiness")
                        .isAfter(java.time.Instant.now().minusSeconds(5));

                first.destroyForcibly().waitFor();
                long killedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).until(() -> consumer.status().ownedShards() == 1);
                Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
                System.out.println("takeover after SIGKILL: " + takeover.toMillis() + " ms");
                assertThat(takeover).isLessThan(Duration.ofSeconds(30));

                for (int i = BEFORE_KILL; i < BEFORE_KILL + AFTER_KILL; i++) {
                    items.setAmount("77" + ((i - BEFORE_KILL) % 40), "T" + (i - BEFORE_KILL), "$" + (5000 + i));
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> store.readAll().size() >= BEFORE_KILL + AFTER_KILL);
                CrashRecoveryIT.verify(store.readAll(), dynamoDb, table, BEFORE_KILL + AFTER_KILL);
            }
        } finally {
            first.destroyForcibly().waitFor();
        }
    }
}
