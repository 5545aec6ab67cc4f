package io.invoicestreams.adapters.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A streams client (DynamoDB Local's, or an in-memory stream), with failures injected into chosen GetRecords calls:
 * the errors DynamoDB Streams raises that DynamoDB Local cannot be made to raise on demand. {@link #die()} fails every
 * later call, as for a node that was killed.
 */
public final class FaultInjectingStreams implements DynamoDbStreamsClient {

    private final DynamoDbStreamsClient real;
    private final Deque<Supplier<RuntimeException>> faults = new ArrayDeque<>();
    private volatile int getRecordsCalls;
    private volatile boolean dead;

    public FaultInjectingStreams(DynamoDbStreamsClient real) {
        this.real = real;
    }

    /** The next GetRecords call that finds records fails with this error instead. */
    public synchronized void failNextGetRecords(Supplier<RuntimeException> fault) {
        faults.add(fault);
    }

    public synchronized boolean allFaultsRaised() {
        return faults.isEmpty();
    }

    public int getRecordsCalls() {
        return getRecordsCalls;
    }

    /** From now on every call fails, as for a node that was killed: nothing it asks of the stream answers. */
    public void die() {
        dead = true;
    }

    private void checkAlive() {
        if (dead) {
            throw software.amazon.awssdk.core.exception.SdkClientException.create("this node is dead");
        }
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        checkAlive();
        getRecordsCalls++;
        GetRecordsResponse response = real.getRecords(request);
        synchronized (this) {
            if (!response.records().isEmpty() && !faults.isEmpty()) {
                throw faults.poll().get();
            }
        }
        return response;
    }

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        checkAlive();
        return real.describeStream(request);
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        checkAlive();
        return real.getShardIterator(request);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        real.close();
    }
}
