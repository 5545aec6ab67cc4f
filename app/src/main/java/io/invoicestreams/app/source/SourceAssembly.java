package io.invoicestreams.app.source;

import io.invoicestreams.adapters.dynamodb.DynamoDbStreamConsumer;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.invoicestreams.adapters.dynamodb.StreamIngestion;
import io.invoicestreams.adapters.dynamodb.TableBootstrap;
import io.invoicestreams.adapters.eventstore.FairShare;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.kinesis.KinesisStreamSource;
import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.app.Closing;
import io.invoicestreams.app.CoreAssembly.NodeId;
import io.invoicestreams.app.Invocation;
import io.invoicestreams.app.InvoiceStreamsConfig;
import io.invoicestreams.app.Metrics;
import io.invoicestreams.app.Mode;
import io.invoicestreams.app.dynamodb.DynamoDbAssembly.Endpoint;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Where the table's changes come from (ADR 0018): the table's DynamoDB stream read by this service's consumer, or the
 * Kinesis data stream it writes to, read through KCL. Either goes through the same translation and ingestion. Nodes
 * on one store split the processing groups' segments, and the DynamoDB stream's shards, through {@link FairShare}
 * (ADR 0016); KCL spreads the Kinesis shards itself.
 */
@Singleton
public class SourceAssembly {

    /** Makes the {@code bootstrap} of the table into the store (ADR 0017), with a page size per run. */
    @FunctionalInterface
    public interface Bootstraps {
        TableBootstrap withPageSize(int pageSize);
    }

    @Produces
    @Singleton
    FairShare fairShare(InvoiceEventStore store, InvoiceStreamsConfig config) {
        return new FairShare(store, config.node().claimTimeout().dividedBy(4), config.node().claimTimeout());
    }

    void closeFairShare(@Disposes FairShare fairShare) {
        Closing.close(fairShare);
    }

    /** The source of the configuration; only a serving process reads the stream. */
    @Produces
    @Singleton
    ChangeSource source(Invocation invocation, InvoiceStreamsConfig config, SourceConfig sourceConfig,
                        StreamConfig streamConfig, InvoiceEventStore store,
                        InvoiceTransactionsTable table, DynamoDbClient dynamoDb, DynamoDbStreamsClient streams,
                        Endpoint endpoint, FairShare fairShare, Currency currency, Metrics metrics, NodeId node,
                        Clock clock) {
        if (invocation.mode() != Mode.SERVE) {
            throw new IllegalStateException("the " + invocation.command().word() + " command does not follow the"
                    + " stream; the running service does");
        }
        return switch (sourceConfig.type()) {
            case DYNAMODB_STREAMS -> {
                var s = streamConfig;
                DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams,
                        table.tableName(), currency, metrics, new DynamoDbStreamConsumer.Settings(s.batchSize(),
                                s.minIdleBackoff(), s.maxIdleBackoff(), s.maxErrorBackoff(),
                                s.shardRefreshInterval(),
                                s.maxShards().orElse(DynamoDbStreamConsumer.Settings.NO_SHARD_LIMIT),
                                config.node().claimTimeout().dividedBy(4)), clock);
                consumer.shareShards(fairShare::share);
                yield consumer;
            }
            case KINESIS -> {
                var k = sourceConfig.kinesis();
                String streamName = k.streamName().filter(n -> !n.isBlank()).orElseThrow(() ->
                        new IllegalArgumentException("invoice.source.type=kinesis needs"
                                + " invoice.source.kinesis.stream-name"));
                yield KinesisStreamSource.on(store, dynamoDb, table.tableName(), currency, metrics,
                        new KinesisStreamSource.Settings(streamName, k.applicationName(), node.value(), k.endpoint(),
                                endpoint.clients().endpoint(), k.region().or(() -> endpoint.clients().region()),
                                k.failover(), k.idleBetweenReads(), streamConfig.maxErrorBackoff(),
                                config.aws().endpointCredentials(), endpoint.clients().credentials()), clock);
            }
        };
    }

    void closeSource(@Disposes ChangeSource source) {
        Closing.close(source);
    }

    /** The re-drive of parked stream records, through today's translation (issue 18). */
    @Produces
    @Singleton
    io.invoicestreams.adapters.dynamodb.ParkedRedrive parkedRedrive(InvoiceEventStore store,
                                                                    InvoiceTransactionsTable table,
                                                                    DynamoDbClient dynamoDb, Currency currency,
                                                                    Metrics metrics) {
        return StreamIngestion.redrive(store, dynamoDb, table.tableName(), currency, metrics);
    }

    @Produces
    @Singleton
    Bootstraps bootstraps(InvoiceEventStore store, InvoiceTransactionsTable table, DynamoDbClient dynamoDb,
                          DynamoDbStreamsClient streams, Currency currency, Metrics metrics, Clock clock) {
        return pageSize -> StreamIngestion.bootstrap(store, dynamoDb, streams, table.tableName(), currency, metrics,
                new TableBootstrap.Settings(pageSize, Duration.ofMinutes(2)), clock);
    }
}
