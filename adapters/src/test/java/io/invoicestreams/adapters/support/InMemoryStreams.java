package io.invoicestreams.adapters.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A small DynamoDB Streams server in memory, for what DynamoDB Local cannot show: several shards with lineage.
 * DescribeStream pages one shard at a time; a closed shard ends its iterator chain, an open one does not.
 */
public final class InMemoryStreams implements DynamoDbStreamsClient {

    private record ShardData(Shard shard, List<Record> records, boolean closed) {
    }

    /** A record handed out by GetRecords: its shard and sequence number, in the order they were handed out. */
    public record HandedOut(String shardId, String sequenceNumber) {
    }

    private final Map<String, ShardData> shards = new LinkedHashMap<>();
    private final List<String> readOrder = new ArrayList<>();
    private final List<HandedOut> handedOut = new ArrayList<>();

    /** Adds a shard in listing order. */
    public synchronized InMemoryStreams shard(String shardId, String parentShardId, boolean closed,
                                              List<Record> records) {
        shards.put(shardId, new ShardData(Shard.builder().shardId(shardId).parentShardId(parentShardId).build(),
                new ArrayList<>(records), closed));
        return this;
    }

    /** Appends records to an open shard, as new writes to its items do. */
    public synchronized InMemoryStreams append(String shardId, List<Record> records) {
        ShardData data = shards.get(shardId);
        if (data.closed()) {
            throw new IllegalStateException(shardId + " is closed");
        }
        data.records().addAll(records);
        return this;
    }

    /**
     * Splits an open shard as DynamoDB does: it is closed (its iterator chain ends after its last record) and its
     * children, each with the records given, are listed before it, so a reader that ignored lineage would read them
     * first.
     */
    public synchronized InMemoryStreams split(String parentId, Map<String, List<Record>> children) {
        ShardData parent = shards.get(parentId);
        Map<String, ShardData> reordered = new LinkedHashMap<>();
        children.forEach((id, records) -> reordered.put(id, new ShardData(Shard.builder().shardId(id)
                .parentShardId(parentId).build(), new ArrayList<>(records), false)));
        shards.forEach((id, data) -> reordered.put(id, id.equals(parentId)
                ? new ShardData(parent.shard(), parent.records(), true) : data));
        shards.clear();
        shards.putAll(reordered);
        return this;
    }

    /** Every record handed out so far, a record read twice listed twice. */
    public synchronized List<HandedOut> handedOut() {
        return List.copyOf(handedOut);
    }

    /**
     * An INSERT record of transaction {@code T<sequence>} of the invoice, in the shape DynamoDB Streams gives it
     * (NEW_AND_OLD_IMAGES), with its sequence number and event id derived from {@code sequence}.
     */
    public static Record insert(String invoice, long sequence, String amount, Instant created) {
        Map<String, AttributeValue> keys = Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS("T" + sequence));
        Map<String, AttributeValue> item = new LinkedHashMap<>(keys);
        item.put("Amount", AttributeValue.fromS(amount));
        item.put("Trans_country", AttributeValue.fromS("USA"));
        return Record.builder().eventID("e" + sequence)
                .eventName(OperationType.INSERT)
                .dynamodb(StreamRecord.builder().keys(keys)
                        .newImage(item).sequenceNumber(String.format("%021d", sequence))
                        .approximateCreationDateTime(created)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                        .build())
                .build();
    }

    /** The shards in the order their first record was handed out. */
    public synchronized List<String> readOrder() {
        return List.copyOf(readOrder);
    }

    @Override
    public synchronized DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        List<String> ids = new ArrayList<>(shards.keySet());
        int from = request.exclusiveStartShardId() == null ? 0 : ids.indexOf(request.exclusiveStartShardId()) + 1;
        String last = from + 1 < ids.size() ? ids.get(from) : null;
        return DescribeStreamResponse.builder().streamDescription(StreamDescription.builder()
                .streamArn(request.streamArn()).shards(shards.get(ids.get(from)).shard())
                .lastEvaluatedShardId(last).build()).build();
    }

    @Override
    public synchronized GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        List<Record> records = shards.get(request.shardId()).records();
        int position = 0;
        if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER) {
            while (position < records.size()
                    && !records.get(position).dynamodb().sequenceNumber().equals(request.sequenceNumber())) {
                position++;
            }
            position++;
        }
        return GetShardIteratorResponse.builder().shardIterator(request.shardId() + "@" + position).build();
    }

    @Override
    public synchronized GetRecordsResponse getRecords(GetRecordsRequest request) {
        String[] iterator = request.shardIterator().split("@");
        ShardData data = shards.get(iterator[0]);
        int from = Integer.parseInt(iterator[1]);
        int to = Math.min(data.records().size(), from + request.limit());
        List<Record> page = data.records().subList(from, to);
        if (!page.isEmpty() && !readOrder.contains(iterator[0])) {
            readOrder.add(iterator[0]);
        }
        page.forEach(r -> handedOut.add(new HandedOut(iterator[0], r.dynamodb().sequenceNumber())));
        page = List.copyOf(page);
        String next = data.closed() && to == data.records().size() ? null : iterator[0] + "@" + to;
        return GetRecordsResponse.builder().records(page).nextShardIterator(next).build();
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {
    }
}
