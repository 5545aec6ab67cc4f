package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.json.JacksonDocumentParser;
import io.invoicestreams.domain.change.ChangeTranslator;
import java.time.Clock;
import java.util.Currency;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Assembles the stream source on an event store: translation, batch ingestion, shard leases and the consumer. */
public final class StreamIngestion {

    private StreamIngestion() {
    }

    public static DynamoDbStreamConsumer consumer(InvoiceEventStore store, DynamoDbClient dynamoDb,
                                                  DynamoDbStreamsClient streams, String tableName,
                                                  Currency defaultCurrency, StreamMetrics metrics,
                                                  DynamoDbStreamConsumer.Settings settings, Clock clock) {
        InvoiceTransactionsTable table = new InvoiceTransactionsTable(dynamoDb, tableName);
        ShardLeases leases = new ShardLeases(store.tokenStore(), store.transactions());
        return new DynamoDbStreamConsumer(table, streams, decoder(table, defaultCurrency),
                ingestor(store, tableName, leases, metrics), leases, metrics, settings, clock);
    }

    /** The {@code bootstrap} of a table into the store, through the same translation and ingestion. */
    public static TableBootstrap bootstrap(InvoiceEventStore store, DynamoDbClient dynamoDb,
                                           DynamoDbStreamsClient streams, String tableName, Currency defaultCurrency,
                                           StreamMetrics metrics, TableBootstrap.Settings settings, Clock clock) {
        InvoiceTransactionsTable table = new InvoiceTransactionsTable(dynamoDb, tableName);
        ShardLeases leases = new ShardLeases(store.tokenStore(), store.transactions());
        return new TableBootstrap(dynamoDb, streams, table, decoder(table, defaultCurrency),
                ingestor(store, tableName, leases, metrics), store.bootstrapRuns(), settings, clock);
    }

    /** The re-drive of parked records through today's translation and ingestion. */
    public static ParkedRedrive redrive(InvoiceEventStore store, DynamoDbClient dynamoDb, String tableName,
                                        Currency defaultCurrency, StreamMetrics metrics) {
        InvoiceTransactionsTable table = new InvoiceTransactionsTable(dynamoDb, tableName);
        ShardLeases leases = new ShardLeases(store.tokenStore(), store.transactions());
        return new ParkedRedrive(store.parkedRecords(), decoder(table, defaultCurrency),
                ingestor(store, tableName, leases, metrics), store.transactions());
    }

    /** The translation of a change record into commands, reading the current item of a KEYS_ONLY record. */
    public static StreamRecordDecoder decoder(InvoiceTransactionsTable table, Currency defaultCurrency) {
        return new StreamRecordDecoder(new ChangeTranslator(defaultCurrency, new JacksonDocumentParser(), table));
    }

    /** The source-neutral ingestion of decoded changes into the store. */
    public static StreamBatchIngestor ingestor(InvoiceEventStore store, String tableName, ShardLeases leases,
                                                StreamMetrics metrics) {
        return new StreamBatchIngestor(store.transactions(), store.invoiceChanges(), store.parkedRecords(), leases,
                metrics, store::forgetCachedAggregates,
                () -> store.bootstrapRuns().latestFinished(tableName).isPresent(),
                io.invoicestreams.adapters.eventstore.StreamTracing.of(store.configuration()));
    }
}
