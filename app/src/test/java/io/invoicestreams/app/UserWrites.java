package io.invoicestreams.app;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A user writing transactions to the table with the AWS SDK, as the service's users do, and the sum of each invoice
 * that the service's totals must reach: a source the service did not write. Transaction {@code n} goes to invoice
 * {@code firstInvoice + n % invoices}, with an amount of {@code n % 97 + 1} dollars, in the USA.
 */
final class UserWrites {

    private final DynamoDbClient users;
    private final String table;
    private final int firstInvoice;
    private final int invoices;
    private final String vendor;
    private final Map<String, BigDecimal> expected = new LinkedHashMap<>();
    private int changes;

    /**
     * @param vendor the vendor of each transaction's {@code InvoiceDoc}, which names one item per transaction, so
     *               that search finds every change by it; null for transactions without a document
     */
    UserWrites(DynamoDbClient users, String table, int firstInvoice, int invoices, String vendor) {
        this.users = users;
        this.table = table;
        this.firstInvoice = firstInvoice;
        this.invoices = invoices;
        this.vendor = vendor;
    }

    void write(int count) {
        for (int i = 0; i < count; i++) {
            int n = changes++;
            String invoice = Integer.toString(firstInvoice + n % invoices);
            Map<String, AttributeValue> item = new LinkedHashMap<>(Map.of(
                    "InvoiceNumber", AttributeValue.fromS(invoice),
                    "TransactionIdentifier", AttributeValue.fromS("T" + n),
                    "Amount", AttributeValue.fromS("$" + (n % 97 + 1)),
                    "Trans_country", AttributeValue.fromS("USA")));
            if (vendor != null) {
                item.put("InvoiceDoc", AttributeValue.fromS("{\"Vendor Name\":\"" + vendor + "\",\"ItemsDesc\":[{\"bolt"
                        + n + "\":{\"Quantity\":" + (n % 5 + 1) + "}}]}"));
            }
            users.putItem(b -> b.tableName(table).item(item));
            expected.merge(invoice, BigDecimal.valueOf(n % 97 + 1), BigDecimal::add);
        }
    }

    /** The changes written so far. */
    int changes() {
        return changes;
    }

    /** Each invoice's sum of the amounts written. */
    Map<String, BigDecimal> expected() {
        return expected;
    }
}
