package io.invoicestreams.app;

import static io.restassured.RestAssured.given;

import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Requests with the keys of the test profile (application.properties, %test). */
final class Api {

    static final String ADMIN_KEY = "test-admin-key-0123456789";
    static final String READ_KEY = "test-read-key-0123456789";

    private Api() {
    }

    /** Writes a transaction into the source table as a user would, with the demo's InvoiceDoc. */
    static void put(DynamoDbClient dynamoDb, InvoiceTransactionsTable table, String invoice, String transaction,
                    String amount, String country) {
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction),
                "Amount", AttributeValue.fromS(amount),
                "Trans_country", AttributeValue.fromS(country),
                "Invoice_dt", AttributeValue.fromS("06062016"),
                "InvoiceDoc", AttributeValue.fromS(DemoCommand.DOC))));
    }

    /** A request with the test profile's admin key. */
    static RequestSpecification admin() {
        return given().header(ApiKeyAuthentication.HEADER, ADMIN_KEY);
    }
}
