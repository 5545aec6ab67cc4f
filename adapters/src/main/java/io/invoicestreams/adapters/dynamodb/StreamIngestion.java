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
        StreamRecordDecoder decoder = new StreamRecordDecoder(
                new ChangeTranslator(defaultCurrency, new JacksonDocumentParser(), table));
        ShardLeases leases = new ShardLeases(store.tokenStore(), store.transactions());
        StreamBatchIngestor ingestor = new StreamBatchIngestor(store.transactions(), store.commandGateway(),
                store.parkedRecords(), leases, metrics, store::forgetCachedAggregates);
        return new DynamoDbStreamConsumer(table, streams, decoder, ingestor, leases, metrics, settings, clock);
    }
}
