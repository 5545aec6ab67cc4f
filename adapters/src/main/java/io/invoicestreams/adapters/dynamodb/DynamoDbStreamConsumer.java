package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.adapters.source.SourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Follows the table's DynamoDB stream straight through {@link DynamoDbStreamsClient}:
 * <ul>
 *   <li>lists every shard (DescribeStream, paginated) and reads a parent shard to its end before its children;</li>
 *   <li>claims each shard through {@link ShardLeases}, so two instances split the shards and never read one twice;</li>
 *   <li>starts at TRIM_HORIZON the first time, then AFTER_SEQUENCE_NUMBER of the stored checkpoint;</li>
 *   <li>polls with backoff when a shard is idle, and with capped exponential backoff and jitter when a call fails;</li>
 *   <li>asks for a fresh iterator after ExpiredIteratorException, from the last sequence read;</li>
 *   <li>reports TrimmedDataAccessException loudly, as a gap, and goes on from the trim horizon;</li>
 *   <li>follows a new stream ARN when the table's stream is re-enabled, after the old stream is read out.</li>
 * </ul>
 */
public final class DynamoDbStreamConsumer implements ChangeSource {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStreamConsumer.class);
    private static final int FAILURES_BEFORE_ISOLATION = 3;

    /** How the consumer polls. */
    public record Settings(int batchSize, Duration minIdleBackoff, Duration maxIdleBackoff, Duration maxErrorBackoff,
                           Duration shardRefreshInterval, int maxShardWorkers, Duration claimExtendInterval) {
        public Settings {
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException("batch size " + batchSize + " is outside 1 to 1000 (GetRecords' limit)");
            }
            if (maxShardWorkers < 1) {
                throw new IllegalArgumentException("max shard workers must be at least 1");
            }
        }

        public static Settings defaults() {
            return new Settings(1000, Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(20),
                    Duration.ofSeconds(5), 8, Duration.ofSeconds(2));
        }
    }

    private final InvoiceTransactionsTable table;
    private final DynamoDbStreamsClient streams;
    private final StreamRecordDecoder decoder;
    private final StreamBatchIngestor ingestor;
    private final ShardLeases leases;
    private final StreamMetrics metrics;
    private final Settings settings;
    private final Clock clock;

    private final ExecutorService workers;
    private final Thread coordinator;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Object wakeUp = new Object();
    private final AtomicReference<String> currentStream = new AtomicReference<>();
    private final AtomicReference<Instant> lastPoll = new AtomicReference<>(Instant.EPOCH);
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<String> dataLoss = new AtomicReference<>();
    private final AtomicReference<Instant> failingSince = new AtomicReference<>();
    /** Shards this node hands back at the next record batch, to keep to its share. */
    private final Set<String> toRelease = ConcurrentHashMap.newKeySet();
    private volatile java.util.function.IntUnaryOperator share = java.util.function.IntUnaryOperator.identity();
    private volatile boolean stopping;

    public DynamoDbStreamConsumer(InvoiceTransactionsTable table, DynamoDbStreamsClient streams,
                                  StreamRecordDecoder decoder, StreamBatchIngestor ingestor, ShardLeases leases,
                                  StreamMetrics metrics, Settings settings, Clock clock) {
        this.table = Objects.requireNonNull(table, "table");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.workers = Executors.newFixedThreadPool(settings.maxShardWorkers(), Thread.ofPlatform()
                .name("stream-shard-", 0).daemon(true).factory());
        this.coordinator = Thread.ofPlatform().name("stream-coordinator").daemon(true).unstarted(this::coordinate);
    }

    public void start() {
        coordinator.start();
    }

    /**
     * How many of the stream's readable shards this node may own, given their number; all of them by default. With
     * several nodes ({@code FairShare}), a node claims no more than its share and hands back what it holds above it.
     */
    public void shareShards(java.util.function.IntUnaryOperator share) {
        this.share = java.util.Objects.requireNonNull(share, "share");
    }

    @Override
    public SourceStatus status() {
        return new SourceStatus(coordinator.isAlive() && !stopping, Optional.ofNullable(currentStream.get()), running.size(),
                lastPoll.get(), Optional.ofNullable(lastError.get()), Optional.ofNullable(dataLoss.get()),
                Optional.ofNullable(failingSince.get()));
    }

    private void coordinate() {
        Backoff backoff = new Backoff(settings.minIdleBackoff(), settings.maxErrorBackoff());
        List<String> pendingStreams = new ArrayList<>();
        while (!stopping) {
            try {
                Optional<String> latest = table.latestStreamArn();
                if (latest.isEmpty()) {
                    error("table " + table.tableName() + " has no stream enabled; waiting for one");
                } else if (!pendingStreams.contains(latest.get())) {
                    if (!pendingStreams.isEmpty()) {
                        LOG.info("The table's stream changed to {}; it is read after the previous stream is read out",
                                latest.get());
                    }
                    pendingStreams.add(latest.get());
                }
                while (!pendingStreams.isEmpty() && !stopping) {
                    String streamArn = pendingStreams.getFirst();
                    currentStream.set(streamArn);
                    boolean readOut = assignShards(streamArn);
                    if (readOut && pendingStreams.size() > 1) {
                        LOG.info("Stream {} is read out; following {}", streamArn, pendingStreams.get(1));
                        pendingStreams.removeFirst();
                        continue;
                    }
                    break;
                }
                if (latest.isPresent() && running.isEmpty()) {
                    // This node reads no shard now (another node holds them all): the stream answering is its
                    // poll, so readiness does not take a node that waits its turn for a broken one.
                    lastPoll.set(clock.instant());
                }
                lastError.set(null);
                backoff.reset();
                pause(settings.shardRefreshInterval());
            } catch (SdkException e) {
                error("cannot describe the table or its stream: " + e.getMessage());
                pause(backoff.next());
            } catch (RuntimeException e) {
                error("shard assignment failed: " + e);
                LOG.error("Shard assignment failed", e);
                pause(backoff.next());
            }
        }
    }

    /** Claims and starts every readable shard of the stream; true when every shard of it is read to its end. */
    private boolean assignShards(String streamArn) {
        Map<String, Shard> shards;
        try {
            shards = describeShards(streamArn);
        } catch (ResourceNotFoundException gone) {
            LOG.warn("Stream {} no longer exists (older than 24 hours after it was disabled)", streamArn);
            return true;
        }
        boolean allEnded = true;
        int limit = Math.min(settings.maxShardWorkers(), share.applyAsInt(readable(streamArn, shards)));
        for (Shard shard : shards.values()) {
            String lease = ShardLeases.leaseName(streamArn, shard.shardId());
            if (finished.contains(lease)) {
                continue;
            }
            allEnded = false;
            if (running.contains(lease)) {
                continue;
            }
            String parent = shard.parentShardId();
            if (parent != null && shards.containsKey(parent)
                    && !finished.contains(ShardLeases.leaseName(streamArn, parent))) {
                continue; // the parent's records come first
            }
            if (running.size() >= limit) {
                break;
            }
            Optional<ShardCheckpoint> claimed = leases.claim(lease);
            if (claimed.isEmpty()) {
                continue; // another instance reads it
            }
            if (claimed.get().shardEnded()) {
                finished.add(lease);
                leases.release(lease);
                continue;
            }
            running.add(lease);
            LOG.info("Reading shard {} of {} from {}", shard.shardId(), streamArn,
                    claimed.get().hasPosition() ? "after " + claimed.get().sequenceNumber() : "TRIM_HORIZON");
            workers.execute(() -> readShard(streamArn, shard.shardId(), lease, claimed.get()));
        }
        List<String> held = new ArrayList<>(running);
        for (int i = 0; i < held.size() - limit; i++) {
            toRelease.add(held.get(i)); // above this node's share: handed back for another node to claim
        }
        return allEnded;
    }

    /** The shards that can be read now: not read to their end, and with no parent still to read. */
    private int readable(String streamArn, Map<String, Shard> shards) {
        int readable = 0;
        for (Shard shard : shards.values()) {
            String parent = shard.parentShardId();
            boolean parentPending = parent != null && shards.containsKey(parent)
                    && !finished.contains(ShardLeases.leaseName(streamArn, parent));
            if (!finished.contains(ShardLeases.leaseName(streamArn, shard.shardId())) && !parentPending) {
                readable++;
            }
        }
        return readable;
    }

    private Map<String, Shard> describeShards(String streamArn) {
        return describeShards(streams, streamArn);
    }

    /** Every shard of the stream, through DescribeStream's pages, by shard id in the order DynamoDB gives them. */
    static Map<String, Shard> describeShards(DynamoDbStreamsClient streams, String streamArn) {
        Map<String, Shard> shards = new LinkedHashMap<>();
        String exclusiveStart = null;
        do {
            String start = exclusiveStart;
            DescribeStreamResponse page = streams.describeStream(b -> b.streamArn(streamArn)
                    .exclusiveStartShardId(start));
            page.streamDescription().shards().forEach(s -> shards.put(s.shardId(), s));
            exclusiveStart = page.streamDescription().lastEvaluatedShardId();
        } while (exclusiveStart != null);
        return shards;
    }

    private void readShard(String streamArn, String shardId, String lease, ShardCheckpoint start) {
        ShardCheckpoint checkpoint = start;
        Backoff idle = new Backoff(settings.minIdleBackoff(), settings.maxIdleBackoff());
        Backoff failing = new Backoff(settings.minIdleBackoff(), settings.maxErrorBackoff());
        Instant lastExtend = clock.instant();
        int failuresOfThisBatch = 0;
        ShardReader reader = new ShardReader(streams, streamArn, shardId,
                checkpoint.hasPosition() ? checkpoint.sequenceNumber() : null, settings.batchSize(), this::reportGap);
        try {
            while (!stopping) {
                if (toRelease.remove(lease)) {
                    LOG.info("Handing shard {} back: another node takes it, to share the work", shardId);
                    break; // released below
                }
                ShardReader.Page page = reader.next();
                lastPoll.set(clock.instant());
                List<Record> records = page.records();
                if (records.isEmpty()) {
                    failingSince.set(null);
                }
                if (!records.isEmpty()) {
                    List<Decoded> batch = new ArrayList<>(records.size());
                    for (Record r : records) {
                        batch.add(decoder.decode(shardId, r));
                    }
                    Record newest = records.getLast();
                    ShardCheckpoint after = checkpoint.after(page.newestSequence(), page.ended());
                    try {
                        if (failuresOfThisBatch >= FAILURES_BEFORE_ISOLATION) {
                            ingestor.ingestIsolated(lease, batch, after);
                        } else {
                            ingestor.ingest(lease, batch, after);
                        }
                    } catch (RuntimeException e) {
                        if (lostClaim(e)) {
                            throw e;
                        }
                        failuresOfThisBatch++;
                        metrics.batchFailed();
                        error("a batch of shard " + shardId + " failed (attempt " + failuresOfThisBatch + "): " + e);
                        LOG.warn("A batch of {} records of shard {} failed; retrying from {}", records.size(), shardId,
                                checkpoint.sequenceNumber(), e);
                        pause(failing.next());
                        reader.rewind(checkpoint.hasPosition() ? checkpoint.sequenceNumber() : null);
                        continue;
                    }
                    failuresOfThisBatch = 0;
                    failing.reset();
                    failingSince.set(null);
                    idle.reset();
                    checkpoint = after;
                    lastExtend = clock.instant();
                    Instant created = newest.dynamodb().approximateCreationDateTime();
                    if (created != null) {
                        metrics.lag(Duration.between(created, clock.instant()).isNegative() ? Duration.ZERO
                                : Duration.between(created, clock.instant()));
                    }
                } else {
                    metrics.lag(Duration.ZERO);
                }
                if (page.ended()) {
                    if (records.isEmpty()) {
                        ShardCheckpoint ended = checkpoint.after(null, true);
                        leases.checkpointAlone(lease, ended);
                    }
                    LOG.info("Shard {} is closed and read to its end", shardId);
                    finished.add(lease);
                    leases.release(lease);
                    return;
                }
                if (records.isEmpty()) {
                    if (Duration.between(lastExtend, clock.instant()).compareTo(settings.claimExtendInterval()) >= 0) {
                        leases.extend(lease);
                        lastExtend = clock.instant();
                    }
                    pause(idle.next());
                }
            }
            leases.release(lease);
        } catch (RuntimeException e) {
            if (lostClaim(e)) {
                LOG.warn("Lost the claim on shard {} to another instance; stopping to read it", shardId);
            } else {
                error("reading shard " + shardId + " failed: " + e);
                LOG.error("Reading shard {} failed; it will be claimed again", shardId, e);
                leases.release(lease);
                pause(failing.next());
            }
        } finally {
            running.remove(lease);
            toRelease.remove(lease);
            synchronized (wakeUp) {
                wakeUp.notifyAll();
            }
        }
    }

    private void reportGap(String shardId, String afterSequence) {
        metrics.trimmedData(shardId);
        String message = "DATA LOST UPSTREAM: records of shard " + shardId + " after sequence "
                + afterSequence + " were trimmed from the stream (24-hour retention) before they were"
                + " read; reading on from the trim horizon. Bootstrap the table to recover the current state.";
        error(message);
        dataLoss.set(clock.instant() + " " + message);
        LOG.error(message);
    }

    private static boolean lostClaim(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShardLeases.LeaseLost) {
                return true;
            }
        }
        return false;
    }

    private void error(String message) {
        lastError.set(message);
        failingSince.compareAndSet(null, clock.instant());
    }

    private void pause(Duration duration) {
        synchronized (wakeUp) {
            if (stopping) {
                return;
            }
            try {
                wakeUp.wait(Math.max(1, duration.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(15, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
            coordinator.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Capped exponential backoff with full jitter above the floor. */
    static final class Backoff {
        private final long minMillis;
        private final long maxMillis;
        private long current;

        Backoff(Duration min, Duration max) {
            this.minMillis = Math.max(1, min.toMillis());
            this.maxMillis = Math.max(minMillis, max.toMillis());
            this.current = minMillis;
        }

        Duration next() {
            long wait = minMillis + ThreadLocalRandom.current().nextLong(Math.max(1, current - minMillis + 1));
            current = Math.min(maxMillis, current * 2);
            return Duration.ofMillis(Math.min(wait, maxMillis));
        }

        void reset() {
            current = minMillis;
        }
    }
}
