package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.adapters.source.SourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
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
 * This class is the coordinator: it finds the stream and its shards, claims them up to this node's share and hands
 * each to a {@link ShardWorker}, which reads it through a {@link ShardReader}; both share a {@link ConsumerState}.
 */
public final class DynamoDbStreamConsumer implements ChangeSource {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStreamConsumer.class);

    /**
     * How the consumer polls.
     *
     * @param maxShards the most shards this node reads at once, whatever its share; {@link #NO_SHARD_LIMIT} for none
     */
    public record Settings(int batchSize, Duration minIdleBackoff, Duration maxIdleBackoff, Duration maxErrorBackoff,
                           Duration shardRefreshInterval, int maxShards, Duration claimExtendInterval) {
        public static final int NO_SHARD_LIMIT = Integer.MAX_VALUE;

        public Settings {
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException("batch size " + batchSize + " is outside 1 to 1000 (GetRecords' limit)");
            }
            if (maxShards < 1) {
                throw new IllegalArgumentException("max shards must be at least 1");
            }
            if (minIdleBackoff.isNegative() || minIdleBackoff.isZero() || maxIdleBackoff.compareTo(minIdleBackoff) < 0) {
                throw new IllegalArgumentException("the idle backoff must be positive, with its maximum ("
                        + maxIdleBackoff + ") no less than its minimum (" + minIdleBackoff + ")");
            }
        }

        /** Polls an idle shard every 20 to 100 ms, reads every shard it may own. */
        public static Settings defaults() {
            return new Settings(1000, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(20),
                    Duration.ofSeconds(5), NO_SHARD_LIMIT, Duration.ofSeconds(2));
        }

        /**
         * How long a read that found nothing keeps a shard's lag at 0: a reader at the tip reads again within the
         * idle backoff, so one that has not for ten times as long (and at least a second) is late.
         */
        Duration lagFreshness() {
            Duration tenPolls = maxIdleBackoff.multipliedBy(10);
            return tenPolls.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : tenPolls;
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
    private final ConsumerState state;
    private volatile java.util.function.IntUnaryOperator share = java.util.function.IntUnaryOperator.identity();

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
        this.state = new ConsumerState(clock);
        // One virtual thread per shard read: an open shard holds its reader for hours, so a fixed pool would leave
        // the shards beyond its size unread. The node's share (and maxShards) bounds how many it claims.
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stream-shard-", 0).factory());
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
        return new SourceStatus(coordinator.isAlive() && !state.stopping(),
                Optional.ofNullable(state.currentStream.get()), state.running.size(), state.lastPoll.get(),
                Optional.ofNullable(state.lastError.get()), Optional.ofNullable(state.dataLoss.get()),
                Optional.ofNullable(state.failingSince.get()));
    }

    private void coordinate() {
        Backoff backoff = new Backoff(settings.minIdleBackoff(), settings.maxErrorBackoff());
        List<String> pendingStreams = new ArrayList<>();
        while (!state.stopping()) {
            try {
                Optional<String> latest = table.latestStreamArn();
                if (latest.isEmpty()) {
                    state.error("table " + table.tableName() + " has no stream enabled; waiting for one");
                } else if (!pendingStreams.contains(latest.get())) {
                    if (!pendingStreams.isEmpty()) {
                        LOG.info("The table's stream changed to {}; it is read after the previous stream is read out",
                                latest.get());
                    }
                    pendingStreams.add(latest.get());
                }
                while (!pendingStreams.isEmpty() && !state.stopping()) {
                    String streamArn = pendingStreams.getFirst();
                    state.currentStream.set(streamArn);
                    boolean readOut = assignShards(streamArn);
                    if (readOut && pendingStreams.size() > 1) {
                        LOG.info("Stream {} is read out; following {}", streamArn, pendingStreams.get(1));
                        pendingStreams.removeFirst();
                        continue;
                    }
                    break;
                }
                if (latest.isPresent() && state.running.isEmpty()) {
                    // This node reads no shard now (another node holds them all): the stream answering is its
                    // poll, so readiness does not take a node that waits its turn for a broken one.
                    state.lastPoll.set(clock.instant());
                }
                state.lastError.set(null);
                backoff.reset();
                state.pause(settings.shardRefreshInterval());
            } catch (SdkException e) {
                state.error("cannot describe the table or its stream: " + e.getMessage());
                state.pause(backoff.next());
            } catch (RuntimeException e) {
                state.error("shard assignment failed: " + e);
                LOG.error("Shard assignment failed", e);
                state.pause(backoff.next());
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
        int limit = Math.min(settings.maxShards(), share.applyAsInt(readable(streamArn, shards)));
        for (Shard shard : shards.values()) {
            String lease = ShardLeases.leaseName(streamArn, shard.shardId());
            if (state.finished.contains(lease)) {
                continue;
            }
            allEnded = false;
            if (state.running.contains(lease)) {
                continue;
            }
            String parent = shard.parentShardId();
            if (parent != null && shards.containsKey(parent)
                    && !state.finished.contains(ShardLeases.leaseName(streamArn, parent))) {
                continue; // the parent's records come first
            }
            if (state.running.size() >= limit) {
                break;
            }
            Optional<ShardCheckpoint> claimed = leases.claim(lease);
            if (claimed.isEmpty()) {
                state.forgetLag(lease, shard.shardId(), metrics);
                continue; // another instance reads it
            }
            if (claimed.get().shardEnded()) {
                state.forgetLag(lease, shard.shardId(), metrics);
                state.finished.add(lease);
                leases.release(lease);
                continue;
            }
            state.running.add(lease);
            LOG.info("Reading shard {} of {} from {}", shard.shardId(), streamArn,
                    claimed.get().hasPosition() ? "after " + claimed.get().sequenceNumber() : "TRIM_HORIZON");
            workers.execute(new ShardWorker(streams, decoder, ingestor, leases, metrics, settings, clock, state, streamArn,
                    shard.shardId(), lease, claimed.get()));
        }
        List<String> held = new ArrayList<>(state.running);
        for (int i = 0; i < held.size() - limit; i++) {
            state.toRelease.add(held.get(i)); // above this node's share: handed back for another node to claim
        }
        return allEnded;
    }

    /** The shards that can be read now: not read to their end, and with no parent still to read. */
    private int readable(String streamArn, Map<String, Shard> shards) {
        int readable = 0;
        for (Shard shard : shards.values()) {
            String parent = shard.parentShardId();
            boolean parentPending = parent != null && shards.containsKey(parent)
                    && !state.finished.contains(ShardLeases.leaseName(streamArn, parent));
            if (!state.finished.contains(ShardLeases.leaseName(streamArn, shard.shardId())) && !parentPending) {
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

    @Override
    public void close() {
        state.stop();
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
