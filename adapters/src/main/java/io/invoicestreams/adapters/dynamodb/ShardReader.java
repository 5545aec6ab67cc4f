package io.invoicestreams.adapters.dynamodb;

import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads one shard of a DynamoDB stream page by page, from its trim horizon or after a sequence number. The stream
 * consumer and the bootstrap both read through it, so a shard is read one way:
 * <ul>
 *   <li>an expired iterator (15 minutes) is renewed after the last sequence number read;</li>
 *   <li>records trimmed before they were read (24 hours) are reported as a gap, and reading goes on from the trim
 *       horizon;</li>
 *   <li>{@link #rewind} goes back to a position, for a batch that has to be read again.</li>
 * </ul>
 * Not thread-safe: one reader per shard per thread.
 */
public final class ShardReader {

    private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);

    /** Told when records were trimmed before they were read: data lost upstream. */
    @FunctionalInterface
    public interface Gaps {
        /** @param afterSequence the last sequence number read before the gap; null when nothing was read */
        void trimmed(String shardId, String afterSequence);
    }

    /**
     * One page of a shard.
     *
     * @param records the records, oldest first; may be empty
     * @param ended   the shard is closed and read to its end: there is no further page
     */
    public record Page(List<Record> records, boolean ended) {
        public String newestSequence() {
            return records.getLast().dynamodb().sequenceNumber();
        }
    }

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String shardId;
    private final int limit;
    private final Gaps gaps;
    /** The sequence number the iterator starts after; null for the trim horizon. */
    private String position;
    private String iterator;

    /**
     * @param afterSequence where to start: after this sequence number, or at the trim horizon when null
     * @param limit         records per page, 1 to 1000
     */
    public ShardReader(DynamoDbStreamsClient streams, String streamArn, String shardId, String afterSequence,
                       int limit, Gaps gaps) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.streamArn = Objects.requireNonNull(streamArn, "streamArn");
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.position = afterSequence;
        this.limit = limit;
        this.gaps = Objects.requireNonNull(gaps, "gaps");
    }

    public String shardId() {
        return shardId;
    }

    /** The next page; a closed shard read to its end answers with {@code ended}, and must not be read further. */
    public Page next() {
        while (true) {
            if (iterator == null) {
                iterator = iterator();
            }
            GetRecordsResponse response;
            try {
                String current = iterator;
                response = streams.getRecords(b -> b.shardIterator(current).limit(limit));
            } catch (ExpiredIteratorException e) {
                LOG.info("Iterator of shard {} expired; resuming after {}", shardId, position);
                iterator = null;
                continue;
            } catch (TrimmedDataAccessException e) {
                gaps.trimmed(shardId, position);
                iterator = trimHorizon();
                continue;
            }
            List<Record> records = response.records();
            if (!records.isEmpty()) {
                position = records.getLast().dynamodb().sequenceNumber();
            }
            iterator = response.nextShardIterator();
            return new Page(records, iterator == null);
        }
    }

    /** Reads again from a position: after this sequence number, or from the trim horizon when null. */
    public void rewind(String afterSequence) {
        position = afterSequence;
        iterator = null;
    }

    private String iterator() {
        if (position == null) {
            return trimHorizon();
        }
        try {
            String after = position;
            return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId)
                    .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after)).shardIterator();
        } catch (TrimmedDataAccessException e) {
            gaps.trimmed(shardId, position);
            return trimHorizon();
        }
    }

    private String trimHorizon() {
        return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }
}
