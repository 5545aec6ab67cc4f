package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.support.InMemoryStreams;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** One way to read a shard, for the consumer and the bootstrap: pages, expired iterators, trimmed records, rewinds. */
class ShardReaderTest {

    private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/1";

    /** The in-memory stream, with faults to inject and the iterator requests seen. */
    private static final class Faults implements DynamoDbStreamsClient {
        final InMemoryStreams stream;
        final Deque<RuntimeException> onGetRecords = new ArrayDeque<>();
        final Deque<RuntimeException> onAfterSequence = new ArrayDeque<>();
        final List<String> iteratorRequests = new ArrayList<>();

        Faults(InMemoryStreams stream) {
            this.stream = stream;
        }

        @Override
        public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
            iteratorRequests.add(request.shardIteratorType() == ShardIteratorType.TRIM_HORIZON ? "TRIM_HORIZON"
                    : "AFTER " + request.sequenceNumber());
            if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER && !onAfterSequence.isEmpty()) {
                throw onAfterSequence.pop();
            }
            return stream.getShardIterator(request);
        }

        @Override
        public GetRecordsResponse getRecords(GetRecordsRequest request) {
            if (!onGetRecords.isEmpty()) {
                throw onGetRecords.pop();
            }
            return stream.getRecords(request);
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private final List<String> gaps = new ArrayList<>();

    private static Record record(int sequence) {
        return Record.builder().eventID("e" + sequence)
                .dynamodb(StreamRecord.builder().sequenceNumber(String.format("%021d", sequence)).build()).build();
    }

    private static String seq(int sequence) {
        return String.format("%021d", sequence);
    }

    private Faults shard(boolean closed, int count) {
        return new Faults(new InMemoryStreams().shard("s-1", null, closed,
                IntStream.rangeClosed(1, count).mapToObj(ShardReaderTest::record).toList()));
    }

    private ShardReader reader(Faults streams, String after) {
        return new ShardReader(streams, ARN, "s-1", after, 2, (shard, position) -> gaps.add(shard + " after " + position));
    }

    private static List<String> sequences(ShardReader.Page page) {
        return page.records().stream().map(r -> r.dynamodb().sequenceNumber()).toList();
    }

    @Test
    void a_closed_shard_is_read_in_pages_to_its_end() {
        Faults streams = shard(true, 5);
        ShardReader reader = reader(streams, null);

        assertThat(sequences(reader.next())).containsExactly(seq(1), seq(2));
        assertThat(sequences(reader.next())).containsExactly(seq(3), seq(4));
        ShardReader.Page last = reader.next();
        assertThat(sequences(last)).containsExactly(seq(5));
        assertThat(last.ended()).isTrue();
        assertThat(streams.iteratorRequests).containsExactly("TRIM_HORIZON");
        assertThat(gaps).isEmpty();
    }

    @Test
    void an_open_shard_answers_empty_pages_without_ending() {
        ShardReader reader = reader(shard(false, 1), seq(1));

        ShardReader.Page page = reader.next();
        assertThat(page.records()).isEmpty();
        assertThat(page.ended()).isFalse();
    }

    @Test
    void an_expired_iterator_is_renewed_after_the_last_record_read() {
        Faults streams = shard(true, 5);
        ShardReader reader = reader(streams, null);
        reader.next();
        streams.onGetRecords.push(ExpiredIteratorException.builder().message("expired").build());

        assertThat(sequences(reader.next())).containsExactly(seq(3), seq(4));
        assertThat(streams.iteratorRequests).containsExactly("TRIM_HORIZON", "AFTER " + seq(2));
        assertThat(gaps).isEmpty();
    }

    @Test
    void trimmed_records_are_reported_as_a_gap_and_reading_goes_on_from_the_trim_horizon() {
        Faults streams = shard(true, 3);
        ShardReader reader = reader(streams, null);
        reader.next();
        streams.onGetRecords.push(TrimmedDataAccessException.builder().message("trimmed").build());

        assertThat(sequences(reader.next())).containsExactly(seq(1), seq(2));
        assertThat(gaps).containsExactly("s-1 after " + seq(2));
        assertThat(streams.iteratorRequests).containsExactly("TRIM_HORIZON", "TRIM_HORIZON");
    }

    @Test
    void a_start_position_already_trimmed_is_a_gap_too() {
        Faults streams = shard(true, 3);
        streams.onAfterSequence.push(TrimmedDataAccessException.builder().message("trimmed").build());
        ShardReader reader = reader(streams, seq(7));

        assertThat(sequences(reader.next())).containsExactly(seq(1), seq(2));
        assertThat(gaps).containsExactly("s-1 after " + seq(7));
        assertThat(streams.iteratorRequests).containsExactly("AFTER " + seq(7), "TRIM_HORIZON");
    }

    @Test
    void a_rewind_reads_again_from_the_position_given() {
        Faults streams = shard(true, 5);
        ShardReader reader = reader(streams, null);
        reader.next();
        reader.next();

        reader.rewind(seq(1));
        assertThat(sequences(reader.next())).containsExactly(seq(2), seq(3));
        reader.rewind(null);
        assertThat(sequences(reader.next())).containsExactly(seq(1), seq(2));
        assertThat(streams.iteratorRequests).containsExactly("TRIM_HORIZON", "AFTER " + seq(1), "TRIM_HORIZON");
    }
}
