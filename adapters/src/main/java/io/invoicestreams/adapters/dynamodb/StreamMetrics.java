package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.source.ShardLag;

/** What the stream consumer reports; the application binds it to its metrics registry. Each report defaults to nothing. */
public interface StreamMetrics {

    /** Domain events appended to the event store. */
    default void eventsStored(int count) {
    }

    /**
     * A record's batch committed {@code sinceCreated} after the record's ApproximateCreationDateTime (which DynamoDB
     * Streams rounds down to the second).
     */
    default void recordStored(java.time.Duration sinceCreated) {
    }

    /** Stream records parked: unusable, rejected by the aggregate, or failing repeatedly. */
    default void recordsParked(int count) {
    }

    /** This node reads a shard now; {@code lag} tells how far behind it is whenever asked, until {@link #shardStopped}. */
    default void shardStarted(String shardId, ShardLag lag) {
    }

    /** This node no longer reads the shard: read to its end, handed back, or lost. */
    default void shardStopped(String shardId) {
    }

    /** Records were trimmed from the stream before they were read: data lost upstream. */
    default void trimmedData(String shardId) {
    }

    /** A batch failed and will be retried. */
    default void batchFailed() {
    }

    StreamMetrics NONE = new StreamMetrics() { };
}
