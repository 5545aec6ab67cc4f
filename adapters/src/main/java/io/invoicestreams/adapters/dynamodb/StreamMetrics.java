package io.invoicestreams.adapters.dynamodb;

import java.time.Duration;

/** What the stream consumer reports; the application binds it to its metrics registry. Each report defaults to nothing. */
public interface StreamMetrics {

    /** Domain events appended to the event store. */
    default void eventsStored(int count) {
    }

    /** Stream records parked: unusable, rejected by the aggregate, or failing repeatedly. */
    default void recordsParked(int count) {
    }

    /** ApproximateCreationDateTime age of the newest record read; zero when the shard was read to its tip. */
    default void lag(Duration lag) {
    }

    /** Records were trimmed from the stream before they were read: data lost upstream. */
    default void trimmedData(String shardId) {
    }

    /** A batch failed and will be retried. */
    default void batchFailed() {
    }

    StreamMetrics NONE = new StreamMetrics() { };
}
