package io.invoicestreams.adapters.dynamodb;

import java.time.Duration;

/** What the stream consumer reports; the application binds it to its metrics registry. */
public interface StreamMetrics {

    /** Domain events appended to the event store. */
    void eventsStored(int count);

    /** Stream records parked: unusable, rejected by the aggregate, or failing repeatedly. */
    void recordsParked(int count);

    /** ApproximateCreationDateTime age of the newest record read; zero when the shard was read to its tip. */
    void lag(Duration lag);

    /** Records were trimmed from the stream before they were read: data lost upstream. */
    void trimmedData(String shardId);

    /** A batch failed and will be retried. */
    void batchFailed();

    StreamMetrics NONE = new StreamMetrics() {
        @Override
        public void eventsStored(int count) {
        }

        @Override
        public void recordsParked(int count) {
        }

        @Override
        public void lag(Duration lag) {
        }

        @Override
        public void trimmedData(String shardId) {
        }

        @Override
        public void batchFailed() {
        }
    };
}
