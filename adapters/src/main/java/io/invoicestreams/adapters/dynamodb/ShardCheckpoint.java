package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.domain.invoice.SequenceNumber;
import org.axonframework.eventhandling.TrackingToken;

/**
 * How far one stream shard has been taken into the event store, kept as an Axon tracking token so that the
 * token store holds it, claims it for one node at a time and updates it in the same transaction as the events.
 *
 * @param sequenceNumber the last record taken in, or null when nothing has been read from the shard yet
 * @param shardEnded     true once the shard is closed and read to its end; its children may then start
 */
public record ShardCheckpoint(String sequenceNumber, boolean shardEnded) implements TrackingToken {

    public static ShardCheckpoint atStart() {
        return new ShardCheckpoint(null, false);
    }

    public ShardCheckpoint {
        if (sequenceNumber != null) {
            new SequenceNumber(sequenceNumber);
        }
    }

    public ShardCheckpoint after(String sequence, boolean ended) {
        return new ShardCheckpoint(sequence == null ? sequenceNumber : sequence, ended);
    }

    public boolean hasPosition() {
        return sequenceNumber != null;
    }

    private int compare(TrackingToken other) {
        ShardCheckpoint that = (ShardCheckpoint) other;
        if (sequenceNumber == null || that.sequenceNumber == null) {
            return sequenceNumber == null ? (that.sequenceNumber == null ? 0 : -1) : 1;
        }
        return new SequenceNumber(sequenceNumber).compareTo(new SequenceNumber(that.sequenceNumber));
    }

    @Override
    public TrackingToken lowerBound(TrackingToken other) {
        return compare(other) <= 0 ? this : other;
    }

    @Override
    public TrackingToken upperBound(TrackingToken other) {
        return compare(other) >= 0 ? this : other;
    }

    @Override
    public boolean covers(TrackingToken other) {
        return other == null || compare(other) >= 0;
    }
}
