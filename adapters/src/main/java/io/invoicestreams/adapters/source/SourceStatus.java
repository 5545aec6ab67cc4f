package io.invoicestreams.adapters.source;

import java.time.Instant;
import java.util.Optional;

/**
 * What a change source is doing, whichever it is, for readiness and the console.
 *
 * @param running            the source's reading threads are alive and not stopping
 * @param stream             the stream read: a DynamoDB stream ARN or a Kinesis stream name
 * @param ownedShards        shards this node reads now
 * @param lastSuccessfulPoll the last time a read of the stream succeeded
 * @param lastError          the last failure, cleared by the next successful round
 * @param dataLoss           the last report of records trimmed before they were read; kept until restart
 * @param failingSince       when the stream or the store first failed since records were last read and stored (or a
 *                           poll came back empty); empty while it works
 */
public record SourceStatus(boolean running, Optional<String> stream, int ownedShards, Instant lastSuccessfulPoll,
                           Optional<String> lastError, Optional<String> dataLoss, Optional<Instant> failingSince) {
}
