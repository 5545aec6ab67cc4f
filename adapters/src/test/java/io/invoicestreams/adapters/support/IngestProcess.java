package io.invoicestreams.adapters.support;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.dynamodb.DynamoDbStreamConsumer;
import io.invoicestreams.adapters.dynamodb.StreamIngestion;
import io.invoicestreams.adapters.dynamodb.StreamMetrics;
import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;

/**
 * The stream ingestion as a process of its own, for tests that kill it: {@code endpoint table jdbcUrl user}.
 * Prints READY once it follows the stream, then runs until it is killed.
 */
public final class IngestProcess {

    public static void main(String[] args) throws Exception {
        DynamoDbClients clients = DynamoDbClients.local(URI.create(args[0]));
        JdbcTransactions db = new JdbcTransactions(EventStoreDatabase.pool(args[2], args[3], "", 4));
        InvoiceEventStore store = InvoiceEventStore.start(db, "node-" + ProcessHandle.current().pid(),
                Duration.ofSeconds(2), Clock.systemUTC(), c -> { });
        DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, clients.dynamoDb(), clients.streams(),
                args[1], Currency.getInstance("USD"), StreamMetrics.NONE,
                new DynamoDbStreamConsumer.Settings(1000, Duration.ofMillis(20), Duration.ofMillis(200),
                        Duration.ofSeconds(2), Duration.ofMillis(500), 4, Duration.ofMillis(500)),
                Clock.systemUTC());
        consumer.start();
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Starts the process with this module's test classpath. */
    public static Process start(URI endpoint, String table, String jdbcUrl, String user, java.nio.file.Path log)
            throws java.io.IOException {
        return ChildJvm.start(IngestProcess.class, log, endpoint.toString(), table, jdbcUrl, user);
    }
}
