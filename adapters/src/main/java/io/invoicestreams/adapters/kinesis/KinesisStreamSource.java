package io.invoicestreams.adapters.kinesis;

import io.invoicestreams.adapters.aws.EndpointCredentials;
import io.invoicestreams.adapters.Failures;
import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.adapters.source.SourceStatus;
import io.invoicestreams.adapters.dynamodb.StreamBatchIngestor;
import io.invoicestreams.adapters.dynamodb.StreamIngestion;
import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.invoicestreams.adapters.source.ShardLag;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * The Kinesis Data Streams source (ADR 0018): DynamoDB writes the table's changes to a Kinesis stream, which keeps
 * them up to a year, and KCL 3 reads it. KCL's lease table in DynamoDB spreads the shards over the nodes and holds
 * each shard's checkpoint.
 *
 * <p>A batch is stored in one event store transaction, and KCL checkpoints after it, so a crash in between
 * delivers the batch again; the aggregate skips what it has (a record's sequence is its creation time, see
 * {@link KinesisChangeRecords}). A batch that fails is retried with capped backoff until it is stored or the lease
 * is lost, never skipped: KCL does not deliver a failed batch again by itself. After three failures in a row it is
 * stored one invoice at a time, and an invoice that still fails for a reason other than an outage is parked.
 */
public final class KinesisStreamSource implements ChangeSource {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisStreamSource.class);
    private static final int FAILURES_BEFORE_ISOLATION = 3;

    /**
     * Where and how to read.
     *
     * @param streamName      the Kinesis stream that the table streams to
     * @param applicationName the KCL application: its lease table in DynamoDB has this name
     * @param workerId        this node's name in the lease table
     * @param kinesisEndpoint an endpoint override (kinesalite), or empty for AWS
     * @param leaseEndpoint   the DynamoDB endpoint for KCL's tables, or empty for AWS
     * @param region          the region, or empty for the SDK's default chain
     * @param failover        how long a silent worker keeps its leases (KCL's failover time)
     * @param idleBetweenReads how long a shard's reader waits between two GetRecords calls
     */
    public record Settings(String streamName, String applicationName, String workerId, Optional<URI> kinesisEndpoint,
                           Optional<URI> leaseEndpoint, Optional<String> region, Duration failover,
                           Duration idleBetweenReads, Duration maxErrorBackoff, EndpointCredentials kinesisCredentials,
                           EndpointCredentials leaseCredentials) {
        public Settings {
            Objects.requireNonNull(streamName, "streamName");
            Objects.requireNonNull(applicationName, "applicationName");
            Objects.requireNonNull(workerId, "workerId");
        }
    }

    private final StreamBatchIngestor ingestor;
    private final KinesisChangeRecords records;
    private final Settings settings;
    private final Clock clock;
    private final KinesisAsyncClient kinesis;
    private final DynamoDbAsyncClient leases;
    private final CloudWatchAsyncClient cloudWatch;
    private final Scheduler scheduler;
    private final Thread thread;
    private final AtomicInteger ownedShards = new AtomicInteger();
    private final AtomicReference<Instant> lastBatch = new AtomicReference<>(Instant.EPOCH);
    private final AtomicReference<Instant> startedAt = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<Instant> failingSince = new AtomicReference<>();
    private volatile boolean stopping;
    private final io.invoicestreams.adapters.dynamodb.StreamMetrics metrics;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public KinesisStreamSource(StreamBatchIngestor ingestor, KinesisChangeRecords records, Settings settings,
                               Clock clock) {
        this(ingestor, records, settings, clock, io.invoicestreams.adapters.dynamodb.StreamMetrics.NONE);
    }

    /** @param metrics where each shard's lag is reported ({@code invoice_stream_lag_seconds{shard}}) */
    public KinesisStreamSource(StreamBatchIngestor ingestor, KinesisChangeRecords records, Settings settings,
                               Clock clock, io.invoicestreams.adapters.dynamodb.StreamMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.records = Objects.requireNonNull(records, "records");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.kinesis = client(KinesisAsyncClient.builder(), settings.kinesisEndpoint(), settings.region(),
                settings.kinesisCredentials());
        this.leases = client(DynamoDbAsyncClient.builder(), settings.leaseEndpoint(), settings.region(),
                settings.leaseCredentials());
        // KCL needs a CloudWatch client; with the null metrics factory it never calls it.
        this.cloudWatch = client(CloudWatchAsyncClient.builder(), settings.leaseEndpoint(), settings.region(),
                settings.leaseCredentials());
        ConfigsBuilder configs = new ConfigsBuilder(settings.streamName(), settings.applicationName(), kinesis, leases,
                cloudWatch, settings.workerId(), new Processors());
        long failover = settings.failover().toMillis();
        scheduler = new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig().parentShardPollIntervalMillis(Math.min(failover, 10_000))
                        .shardConsumerDispatchPollIntervalMillis(Math.min(failover / 4, 1_000)),
                configs.leaseManagementConfig().failoverTimeMillis(failover)
                        .shardSyncIntervalMillis(Math.min(failover, 60_000))
                        .workerUtilizationAwareAssignmentConfig(
                                configs.leaseManagementConfig().workerUtilizationAwareAssignmentConfig()
                                        .disableWorkerMetrics(true)),
                configs.lifecycleConfig(),
                configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
                configs.retrievalConfig()
                        .initialPositionInStreamExtended(InitialPositionInStreamExtended.newInitialPosition(
                                InitialPositionInStream.TRIM_HORIZON))
                        .retrievalSpecificConfig(new PollingConfig(settings.streamName(), kinesis)
                                .idleTimeBetweenReadsInMillis(settings.idleBetweenReads().toMillis())));
        thread = Thread.ofPlatform().name("kinesis-source").daemon().unstarted(scheduler);
    }

    /**
     * An async client on netty over HTTP/1.1: the source polls (GetRecords), so it needs no HTTP/2, which only
     * enhanced fan-out uses and which kinesalite does not speak.
     */
    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
            & software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder<B, C>, C> C client(
            B builder, Optional<URI> endpoint, Optional<String> region, EndpointCredentials credentials) {
        builder.httpClientBuilder(software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient.builder()
                .protocol(software.amazon.awssdk.http.Protocol.HTTP1_1).maxConcurrency(64));
        return credentials.apply(builder, endpoint, region).build();
    }

    /**
     * The Kinesis Data Streams source on the store (ADR 0018), with the same translation and ingestion as the DynamoDB
     * stream's; the table client reads the current item of a KEYS_ONLY record.
     */
    public static KinesisStreamSource on(io.invoicestreams.adapters.eventstore.InvoiceEventStore store,
                                         software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb,
                                         String tableName, java.util.Currency defaultCurrency,
                                         io.invoicestreams.adapters.dynamodb.StreamMetrics metrics, Settings settings,
                                         Clock clock) {
        var table = new io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable(dynamoDb, tableName);
        var leases = new io.invoicestreams.adapters.dynamodb.ShardLeases(store.tokenStore(), store.transactions());
        return new KinesisStreamSource(StreamIngestion.ingestor(store, tableName, leases, metrics),
                new KinesisChangeRecords(StreamIngestion.decoder(table, defaultCurrency)), settings, clock, metrics);
    }

    /** Starts reading; KCL takes its leases in the background. */
    @Override
    public void start() {
        LOG.info("Reading Kinesis stream {} through KCL application {} as worker {}", settings.streamName(),
                settings.applicationName(), settings.workerId());
        startedAt.set(clock.instant());
        thread.start();
    }

    /**
     * As the DynamoDB Streams consumer reports it, for readiness. A worker that holds no shard once KCL has had two
     * failover times to assign them (another worker holds them all) counts as polling, as long as KCL runs.
     */
    @Override
    public SourceStatus status() {
        Instant now = clock.instant();
        boolean running = thread.isAlive() && !stopping;
        Instant started = startedAt.get();
        boolean waitingItsTurn = running && ownedShards.get() == 0 && started != null
                && now.isAfter(started.plus(settings.failover().multipliedBy(2)));
        return new SourceStatus(running,
                Optional.of("kinesis:" + settings.streamName()), ownedShards.get(),
                waitingItsTurn ? now : lastBatch.get(),
                Optional.ofNullable(lastError.get()), Optional.empty(), Optional.ofNullable(failingSince.get()));
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        stopping = true;
        try {
            scheduler.startGracefulShutdown().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("KCL did not shut down gracefully: {}", e.toString());
            scheduler.shutdown();
        }
        kinesis.close();
        leases.close();
        cloudWatch.close();
    }

    private final class Processors implements ShardRecordProcessorFactory {
        @Override
        public ShardRecordProcessor shardRecordProcessor() {
            return new Processor();
        }
    }

    /** One shard's reader, on a thread of KCL's. */
    private final class Processor implements ShardRecordProcessor {
        private String shardId = "unknown";
        private volatile boolean leaseLost;
        /**
         * The shard's lag as KCL tells it: after each stored batch, or each empty poll, the reader is
         * {@code millisBehindLatest} behind the stream's tip; while storing fails, nothing moves it, so it rises.
         * An empty poll counts as at the tip for five idle intervals.
         */
        private ShardLag lag;

        @Override
        public void initialize(InitializationInput input) {
            shardId = input.shardId();
            lag = new ShardLag(clock, settings.idleBetweenReads().multipliedBy(5).plusSeconds(1));
            metrics.shardStarted(shardId, lag);
            ownedShards.incrementAndGet();
            LOG.info("Kinesis shard {} taken, from {}", shardId, input.extendedSequenceNumber());
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            Instant polled = clock.instant();
            lastBatch.set(polled);
            if (input.records().isEmpty()) {
                failingSince.set(null);
                caughtUp(input, polled);
                return;
            }
            List<Decoded> batch = new ArrayList<>(input.records().size());
            for (KinesisClientRecord record : input.records()) {
                batch.add(records.decode(shardId, record.sequenceNumber(), bytes(record.data())));
            }
            // Kinesis may hold an item's changes out of order: within a batch they are applied by creation time.
            batch.sort(KinesisChangeRecords.BY_CREATION);
            Duration backoff = Duration.ofMillis(200);
            for (int failures = 0; !leaseLost && !stopping; failures++) {
                try {
                    if (failures >= FAILURES_BEFORE_ISOLATION) {
                        ingestor.ingestIsolatedWithoutCheckpoint(batch);
                    } else {
                        ingestor.ingestWithoutCheckpoint(batch);
                    }
                    failingSince.set(null);
                    lastError.set(null);
                    input.checkpointer().checkpoint(input.records().getLast().sequenceNumber(),
                            input.records().getLast().subSequenceNumber());
                    caughtUp(input, polled);
                    return;
                } catch (ShutdownException lost) {
                    LOG.info("Kinesis shard {} was handed to another worker before its checkpoint; it reads the"
                            + " batch again and the aggregate skips what is stored", shardId);
                    return;
                } catch (Exception e) {
                    failingSince.compareAndSet(null, clock.instant());
                    lastError.set(clock.instant() + " " + e);
                    LOG.warn("Storing {} records of Kinesis shard {} failed ({} in a row, {}); retrying in {} ms: {}",
                            batch.size(), shardId, failures + 1, Failures.isTransient(e) ? "transient" : "not transient",
                            backoff.toMillis(), e.toString());
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(settings.maxErrorBackoff()) > 0
                            ? settings.maxErrorBackoff() : backoff.multipliedBy(2);
                }
            }
        }

        /** Everything up to {@code millisBehindLatest} before the poll is stored. */
        private void caughtUp(ProcessRecordsInput input, Instant polled) {
            Long behind = input.millisBehindLatest();
            if (behind == null || behind == 0) {
                lag.atTip(polled);
            } else {
                lag.stored(polled.minusMillis(behind));
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {
            leaseLost = true;
            metrics.shardStopped(shardId);
            ownedShards.decrementAndGet();
            LOG.info("Kinesis shard {} is no longer this worker's (handed over, or shutting down)", shardId);
        }

        @Override
        public void shardEnded(ShardEndedInput input) {
            metrics.shardStopped(shardId);
            ownedShards.decrementAndGet();
            try {
                input.checkpointer().checkpoint();
                LOG.info("Kinesis shard {} read to its end", shardId);
            } catch (Exception e) {
                LOG.warn("Could not checkpoint the end of Kinesis shard {}: {}", shardId, e.toString());
            }
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {
            // The last stored batch is checkpointed already; nothing is held in memory.
        }
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
