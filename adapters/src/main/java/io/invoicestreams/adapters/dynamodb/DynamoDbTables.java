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
        long[] deleted = {0};
        scanKeys(dynamoDb, table, keyAttributes, page -> {
            inBatches(dynamoDb, table, page.stream()
                    .map(key -> WriteRequest.builder().deleteRequest(d -> d.key(key)).build()).toList(), ONE_AT_A_TIME);
            deleted[0] += page.size();
        });
        return deleted[0];
    }

    /** Hands the keys of every item to {@code page}, a page of a consistent scan at a time. */
    private static void scanKeys(DynamoDbClient dynamoDb, String table, List<String> keyAttributes,
                                 java.util.function.Consumer<List<Map<String, AttributeValue>>> page) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse response = dynamoDb.scan(b -> b.tableName(table).consistentRead(true)
                    .projectionExpression(String.join(", ", placeholders(keyAttributes).keySet()))
                    .expressionAttributeNames(placeholders(keyAttributes))
                    .exclusiveStartKey(from));
            page.accept(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** One call at a time, unpaced: how a table is emptied before a rebuild in place. */
    private static final BulkWrites ONE_AT_A_TIME = new BulkWrites(1, 0);

    /**
     * How a rebuild writes a whole table.
     *
     * @param inFlight       {@code BatchWriteItem} calls at once, 1 or more
     * @param itemsPerSecond at most this many items written a second, so that a rebuild leaves a provisioned table
     *                       room for its other writers; 0 for as fast as the table takes them
     */
    public record BulkWrites(int inFlight, int itemsPerSecond) {
        public static final BulkWrites DEFAULT = new BulkWrites(8, 0);

        public BulkWrites {
            if (inFlight < 1 || itemsPerSecond < 0) {
                throw new IllegalArgumentException("a rebuild writes with 1 or more calls in flight and 0 or more"
                        + " items a second, not " + inFlight + " and " + itemsPerSecond);
            }
        }
    }

    /**
     * Makes the table hold exactly {@code items} (issue 15): puts them 25 to a {@code BatchWriteItem}, as
     * {@code writes} allows, each put replacing its item whole; then scans the keys and deletes every item that was
     * not put. Unprocessed items are sent again with a growing pause.
     *
     * @return items put, and items deleted
     */
    public static io.invoicestreams.projections.Replaced replaceAll(DynamoDbClient dynamoDb, String table,
                                                                   List<String> keyAttributes,
                                                                   List<Map<String, AttributeValue>> items,
                                                                   BulkWrites writes) {
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
        inBatches(dynamoDb, table, puts, writes);
        List<WriteRequest> deletes = new ArrayList<>();
        scanKeys(dynamoDb, table, keyAttributes, page -> page.stream().filter(key -> !keys.contains(key))
                .forEach(key -> deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(key)).build())));
        inBatches(dynamoDb, table, deletes, writes);
        return new io.invoicestreams.projections.Replaced(puts.size(), deletes.size());
    }

    /**
     * Sends the requests 25 to a call, as {@code writes} allows; the first failure is thrown. An interrupt stops it
     * before its next call (a rebuild that another node took over must stop writing); calls in flight end first.
     */
    private static void inBatches(DynamoDbClient dynamoDb, String table, List<WriteRequest> requests,
                                  BulkWrites writes) {
        if (requests.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore slots = new Semaphore(writes.inFlight());
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < requests.size(); i += 25) {
                List<WriteRequest> batch = requests.subList(i, Math.min(requests.size(), i + 25));
                if (writes.itemsPerSecond() > 0) {
                    long due = started + (long) (i * 1e9 / writes.itemsPerSecond());
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        pause(wait / 1_000_000);
                    }
                }
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while writing to " + table, e);
                }
                sent.add(calls.submit(() -> {
                    try {
                        writeAll(dynamoDb, table, batch);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
                if ((i / 25) % 64 == 63) {
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
