package io.invoicestreams.adapters.source;

/**
 * Where the table's changes come from: the table's DynamoDB stream, or the Kinesis data stream it writes to. A
 * source reads changes, hands them to the ingestion, which stores them as events, and only then moves its position.
 */
public interface ChangeSource extends AutoCloseable {

    /** Starts reading in the background; returns at once. */
    void start();

    /** What the source is doing now. */
    SourceStatus status();

    /** Stops reading; a batch under way is finished or left for the next start. Idempotent. */
    @Override
    void close();
}
