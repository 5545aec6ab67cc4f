package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import io.invoicestreams.adapters.source.ShardLag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads one claimed shard for the stream consumer, until the shard is read to its end, the lease is lost or handed
 * back, or the consumer stops: each page of records becomes one batch that the ingestion stores with the lease's
 * checkpoint in one transaction. A failing batch is read again from the checkpoint with capped backoff, and after
 * {@value #FAILURES_BEFORE_ISOLATION} failures it is stored one invoice at a time, so that a poison record is parked
 * alone.
 */
final class ShardWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStreamConsumer.class);
    private static final int FAILURES_BEFORE_ISOLATION = 3;

    private final DynamoDbStreamsClient streams;
    private final StreamRecordDecoder decoder;
    private final StreamBatchIngestor ingestor;
    private final ShardLeases leases;
    private final StreamMetrics metrics;
    private final DynamoDbStreamConsumer.Settings settings;
    private final Clock clock;
    private final ConsumerState state;
    private final String streamArn;
    private final String shardId;
    private final String lease;
    private final ShardCheckpoint start;

    ShardWorker(DynamoDbStreamsClient streams, StreamRecordDecoder decoder, StreamBatchIngestor ingestor,
                ShardLeases leases, StreamMetrics metrics, DynamoDbStreamConsumer.Settings settings, Clock clock,
                ConsumerState state, String streamArn, String shardId, String lease, ShardCheckpoint start) {
        this.streams = streams;
        this.decoder = decoder;
        this.ingestor = ingestor;
        this.leases = leases;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.state = state;
        this.streamArn = streamArn;
        this.shardId = shardId;
        this.lease = lease;
        this.start = start;
    }

    @Override
    public void run() {
        ShardCheckpoint checkpoint = start;
        DynamoDbStreamConsumer.Backoff idle = new DynamoDbStreamConsumer.Backoff(settings.minIdleBackoff(), settings.maxIdleBackoff());
        DynamoDbStreamConsumer.Backoff failing = new DynamoDbStreamConsumer.Backoff(settings.minIdleBackoff(), settings.maxErrorBackoff());
        Instant lastExtend = clock.instant();
        int failuresOfThisBatch = 0;
        ShardReader reader = new ShardReader(streams, streamArn, shardId,
                checkpoint.hasPosition() ? checkpoint.sequenceNumber() : null, settings.batchSize(), this::reportGap);
        // The lag outlives a worker that failed to read: it goes on rising until this node reads the shard again, or
        // learns that another node does (the coordinator forgets it then).
        ShardLag lag = state.lags.computeIfAbsent(lease, k -> new ShardLag(clock, settings.lagFreshness()));
        metrics.shardStarted(shardId, lag);
        boolean readAgain = false;
        try {
            while (!state.stopping()) {
                if (state.toRelease.remove(lease)) {
                    LOG.info("Handing shard {} back: another node takes it, to share the work", shardId);
                    break; // released below
                }
                Instant readStarted = clock.instant();
                ShardReader.Page page = reader.next();
                state.polled();
                List<Record> records = page.records();
                if (records.isEmpty()) {
                    state.healthy();
                    lag.atTip(readStarted);
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
                        state.error("a batch of shard " + shardId + " failed (attempt " + failuresOfThisBatch + "): " + e);
                        LOG.warn("A batch of {} records of shard {} failed; retrying from {}", records.size(), shardId,
                                checkpoint.sequenceNumber(), e);
                        state.pause(failing.next());
                        reader.rewind(checkpoint.hasPosition() ? checkpoint.sequenceNumber() : null);
                        continue;
                    }
                    failuresOfThisBatch = 0;
                    failing.reset();
                    state.healthy();
                    idle.reset();
                    checkpoint = after;
                    lastExtend = clock.instant();
                    lag.stored(newest.dynamodb().approximateCreationDateTime());
                }
                if (page.ended()) {
                    if (records.isEmpty()) {
                        ShardCheckpoint ended = checkpoint.after(null, true);
                        leases.checkpointAlone(lease, ended);
                    }
                    LOG.info("Shard {} is closed and read to its end", shardId);
                    state.finished.add(lease);
                    leases.release(lease);
                    return;
                }
                if (records.isEmpty()) {
                    if (Duration.between(lastExtend, clock.instant()).compareTo(settings.claimExtendInterval()) >= 0) {
                        leases.extend(lease);
                        lastExtend = clock.instant();
                    }
                    state.pause(idle.next());
                }
            }
            leases.release(lease);
        } catch (RuntimeException e) {
            if (lostClaim(e)) {
                LOG.warn("Lost the claim on shard {} to another instance; stopping to read it", shardId);
            } else {
                state.error("reading shard " + shardId + " failed: " + e);
                LOG.error("Reading shard {} failed; it will be claimed again", shardId, e);
                leases.release(lease);
                readAgain = true;
                state.pause(failing.next());
            }
        } finally {
            if (!readAgain) {
                state.forgetLag(lease, shardId, metrics);
            }
            state.running.remove(lease);
            state.toRelease.remove(lease);
            state.wakeAll();
        }
    }

    private void reportGap(String shardId, String afterSequence) {
        metrics.trimmedData(shardId);
        String message = "DATA LOST UPSTREAM: records of shard " + shardId + " after sequence "
                + afterSequence + " were trimmed from the stream (24-hour retention) before they were"
                + " read; reading on from the trim horizon. Bootstrap the table to recover the current state.";
        state.error(message);
        state.dataLoss.set(clock.instant() + " " + message);
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
}
