package io.invoicestreams.adapters.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
