package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.change.CurrentItemReader;
import io.invoicestreams.domain.change.ItemImage;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The users' {@code InvoiceTransactions} table: created if missing (partition key {@code InvoiceNumber}, sort key
 * {@code TransactionIdentifier}, stream NEW_AND_OLD_IMAGES), its latest stream, and consistent item reads for
 * records that carry no new image.
 */
public final class InvoiceTransactionsTable implements CurrentItemReader {

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private volatile TableKeys keys;

    public InvoiceTransactionsTable(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    public String tableName() {
        return tableName;
    }

    /** Creates the table with its stream if it does not exist, and waits until it is active. */
    public void createIfMissing(Duration timeout) {
        DynamoDbTables.createIfMissing(dynamoDb, DynamoDbTables.request(tableName, ChangeTranslator.INVOICE_NUMBER,
                        ChangeTranslator.TRANSACTION_IDENTIFIER)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES))
                .build(), timeout);
    }

    public TableDescription describe() {
        return dynamoDb.describeTable(b -> b.tableName(tableName)).table();
    }

    /** The ARN of the table's current stream, or empty when the table has no stream enabled. */
    public Optional<String> latestStreamArn() {
        TableDescription table = describe();
        boolean enabled = table.streamSpecification() != null && Boolean.TRUE.equals(table.streamSpecification().streamEnabled());
        return enabled ? Optional.ofNullable(table.latestStreamArn()) : Optional.empty();
    }

    /**
     * The types of the table's keys, read with {@code DescribeTable} on first use and kept.
     *
     * @throws IllegalStateException when the table's keys are not ones the service reads
     */
    public TableKeys keys() {
        TableKeys known = keys;
        if (known == null) {
            known = TableKeys.of(describe());
            keys = known;
        }
        return known;
    }

    @Override
    public Optional<ItemImage> read(InvoiceNumber invoice, TransactionId transaction) {
        try {
            Map<String, AttributeValue> key = keys().key(invoice, transaction);
            GetItemResponse response = dynamoDb.getItem(b -> b.tableName(tableName).consistentRead(true).key(key));
            return response.hasItem() && !response.item().isEmpty()
                    ? Optional.of(AttributeValues.image(response.item())) : Optional.empty();
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }
}
