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

    private final Map<String, ShardData> shards = new LinkedHashMap<>();
    private final List<String> readOrder = new ArrayList<>();

    /** Adds a shard in listing order. */
    public InMemoryStreams shard(String shardId, String parentShardId, boolean closed, List<Record> records) {
        shards.put(shardId, new ShardData(Shard.builder().shardId(shardId).parentShardId(parentShardId).build(),
                List.copyOf(records), closed));
        return this;
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
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        List<String> ids = new ArrayList<>(shards.keySet());
        int from = request.exclusiveStartShardId() == null ? 0 : ids.indexOf(request.exclusiveStartShardId()) + 1;
        String last = from + 1 < ids.size() ? ids.get(from) : null;
        return DescribeStreamResponse.builder().streamDescription(StreamDescription.builder()
                .streamArn(request.streamArn()).shards(shards.get(ids.get(from)).shard())
                .lastEvaluatedShardId(last).build()).build();
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
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
