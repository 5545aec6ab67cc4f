package io.invoicestreams.adapters.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Table chores shared by the tables the service owns or reads: create if missing, wait, empty. */
public final class DynamoDbTables {

    private DynamoDbTables() {
    }

    /**
     * Creates an on-demand table keyed by string attributes if it does not exist, and waits until it is active.
     *
     * @param sortKey null for a table with a partition key only
     */
    public static void createIfMissing(DynamoDbClient dynamoDb, String table, String partitionKey, String sortKey,
                                       Duration timeout) {
        createIfMissing(dynamoDb, request(table, partitionKey, sortKey).build(), timeout);
    }

    static CreateTableRequest.Builder request(String table, String partitionKey, String sortKey) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        attributes.add(AttributeDefinition.builder().attributeName(partitionKey).attributeType(ScalarAttributeType.S).build());
        keys.add(KeySchemaElement.builder().attributeName(partitionKey).keyType(KeyType.HASH).build());
        if (sortKey != null) {
            attributes.add(AttributeDefinition.builder().attributeName(sortKey).attributeType(ScalarAttributeType.S).build());
            keys.add(KeySchemaElement.builder().attributeName(sortKey).keyType(KeyType.RANGE).build());
        }
        return CreateTableRequest.builder().tableName(table).attributeDefinitions(attributes).keySchema(keys)
                .billingMode(BillingMode.PAY_PER_REQUEST);
    }

    static void createIfMissing(DynamoDbClient dynamoDb, CreateTableRequest request, Duration timeout) {
        try {
            dynamoDb.createTable(request);
        } catch (ResourceInUseException exists) {
            // created before, by us or by its owners
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (dynamoDb.describeTable(b -> b.tableName(request.tableName())).table().tableStatus() != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + request.tableName() + " is not ACTIVE after " + timeout);
            }
            pause(200);
        }
    }

    /** Deletes every item, page by page, in batches of 25; returns how many were deleted. */
    public static long deleteAllItems(DynamoDbClient dynamoDb, String table, List<String> keyAttributes) {
        long deleted = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamoDb.scan(b -> b.tableName(table).consistentRead(true)
                    .projectionExpression(String.join(", ", placeholders(keyAttributes).keySet()))
                    .expressionAttributeNames(placeholders(keyAttributes))
                    .exclusiveStartKey(from));
            List<WriteRequest> deletes = page.items().stream()
                    .map(item -> WriteRequest.builder().deleteRequest(d -> d.key(item)).build()).toList();
            for (int i = 0; i < deletes.size(); i += 25) {
                writeAll(dynamoDb, table, deletes.subList(i, Math.min(deletes.size(), i + 25)));
            }
            deleted += deletes.size();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return deleted;
    }

    /**
     * Makes the table hold exactly {@code items} (issue 15): puts them 25 to a {@code BatchWriteItem}, up to
     * {@code inFlight} calls at once, each put replacing its item whole; then scans the keys and deletes every item
     * that was not put. Unprocessed items are sent again with a growing pause.
     *
     * @return items put, and items deleted
     */
    public static io.invoicestreams.projections.Replaced replaceAll(DynamoDbClient dynamoDb, String table,
                                                                   List<String> keyAttributes,
                                                                   List<Map<String, AttributeValue>> items,
                                                                   int inFlight) {
        Set<Map<String, AttributeValue>> keys = new HashSet<>(items.size() * 2);
        List<WriteRequest> puts = new ArrayList<>(items.size());
        for (Map<String, AttributeValue> item : items) {
            Map<String, AttributeValue> key = new HashMap<>();
            keyAttributes.forEach(k -> key.put(k, item.get(k)));
            if (!keys.add(key)) {
                throw new IllegalArgumentException("two items of " + table + " have the key " + key);
            }
            puts.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
        }
        inBatches(dynamoDb, table, puts, inFlight);
        List<WriteRequest> deletes = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamoDb.scan(b -> b.tableName(table).consistentRead(true)
                    .projectionExpression(String.join(", ", placeholders(keyAttributes).keySet()))
                    .expressionAttributeNames(placeholders(keyAttributes))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> key : page.items()) {
                if (!keys.contains(key)) {
                    deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(key)).build());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        inBatches(dynamoDb, table, deletes, inFlight);
        return new io.invoicestreams.projections.Replaced(puts.size(), deletes.size());
    }

    /** Sends the requests 25 to a call, up to {@code inFlight} calls at once; the first failure is thrown. */
    private static void inBatches(DynamoDbClient dynamoDb, String table, List<WriteRequest> requests, int inFlight) {
        if (requests.isEmpty()) {
            return;
        }
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore slots = new Semaphore(Math.max(1, inFlight));
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < requests.size(); i += 25) {
                List<WriteRequest> batch = requests.subList(i, Math.min(requests.size(), i + 25));
                slots.acquireUninterruptibly();
                sent.add(calls.submit(() -> {
                    try {
                        writeAll(dynamoDb, table, batch);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
                if (sent.size() % 64 == 0) {
                    failFast(sent);
                }
            }
            for (Future<?> call : sent) {
                await(call);
            }
        }
    }

    private static void failFast(List<Future<?>> sent) {
        for (Future<?> call : sent) {
            if (call.isDone()) {
                await(call);
            }
        }
        sent.removeIf(Future::isDone);
    }

    private static void await(Future<?> call) {
        try {
            call.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to DynamoDB", e);
        }
    }

    private static Map<String, String> placeholders(List<String> attributes) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < attributes.size(); i++) {
            names.put("#k" + i, attributes.get(i));
        }
        return names;
    }

    /** Writes a batch, resubmitting what DynamoDB left unprocessed, with a growing pause. */
    static void writeAll(DynamoDbClient dynamoDb, String table, List<WriteRequest> requests) {
        List<WriteRequest> pending = requests;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 0) {
                pause(Math.min(2_000, 50L << Math.min(attempt, 6)));
            }
            List<WriteRequest> batch = pending;
            BatchWriteItemResponse response = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table, batch)));
            pending = response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for DynamoDB", e);
        }
    }
}
