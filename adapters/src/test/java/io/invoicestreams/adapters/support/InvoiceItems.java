package io.invoicestreams.adapters.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Writes the seed's items to a table, as the table's owners would. */
public final class InvoiceItems {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public InvoiceItems(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Creates the table as its owners had it before they enabled its stream: keys only, no stream. */
    public static void createTableWithoutStream(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("InvoiceNumber")
                                .attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("TransactionIdentifier")
                                .attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("InvoiceNumber").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("TransactionIdentifier").keyType(KeyType.RANGE)
                                .build()));
    }

    public static Map<String, AttributeValue> document(String vendor) {
        Map<String, AttributeValue> items = new LinkedHashMap<>();
        items.put("laptops", AttributeValue.fromM(Map.of("Quantity", AttributeValue.fromN("2"))));
        items.put("desktops", AttributeValue.fromM(Map.of("Quantity", AttributeValue.fromN("1"))));
        items.put("printer", AttributeValue.fromM(Map.of("Quantity", AttributeValue.fromN("2"))));
        Map<String, AttributeValue> doc = new LinkedHashMap<>();
        doc.put("Vendor Name", AttributeValue.fromS(vendor));
        doc.put("NumberofItems", AttributeValue.fromS("5"));
        doc.put("ItemsDesc", AttributeValue.fromL(List.of(AttributeValue.fromM(items))));
        return doc;
    }

    public void put(String invoice, String transaction, String amount, String country, String date) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("InvoiceNumber", AttributeValue.fromS(invoice));
        item.put("TransactionIdentifier", AttributeValue.fromS(transaction));
        item.put("Amount", AttributeValue.fromS(amount));
        if (country != null) {
            item.put("Trans_country", AttributeValue.fromS(country));
        }
        if (date != null) {
            item.put("Invoice_dt", AttributeValue.fromS(date));
        }
        item.put("InvoiceDoc", AttributeValue.fromM(document("Vendor1 Inc")));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    public void setAmount(String invoice, String transaction, String amount) {
        dynamoDb.updateItem(b -> b.tableName(table)
                .key(Map.of("InvoiceNumber", AttributeValue.fromS(invoice),
                        "TransactionIdentifier", AttributeValue.fromS(transaction)))
                .updateExpression("SET Amount = :a")
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(amount))));
    }

    public void delete(String invoice, String transaction) {
        dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction))));
    }

    /** The seed rows of the issue. */
    public void seed() {
        put("1212121", "Client1_trans1xxxx", "$100", "USA", "06062016");
        put("1212121", "Client1_trans2xxxx", "$500", "USA", "06062016");
        put("1212122", "Client2_trans1xxx", "$200", "UK", "06062016");
        put("1212121", "Client2_trans1xxxx", "$500", "China", "06062016");
        put("1212123", "Client3_trans1xxx", "$1000", "USA", null);
    }
}
