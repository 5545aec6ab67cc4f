package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.projections.reporting.InvoiceTransactions;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.change.ChangeTranslator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads the base table for the reporting API: an invoice's transactions by Query on the partition key, with or
 * without {@code begins_with} on {@code TransactionIdentifier}, a page at a time. The page token is opaque to
 * callers: the last key read, bound to its invoice and base64url-encoded.
 */
public final class InvoiceTransactionsQueries implements InvoiceTransactions {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final java.util.function.Supplier<TableKeys> keys;

    public InvoiceTransactionsQueries(DynamoDbClient dynamoDb, String table) {
        this(dynamoDb, table, () -> TableKeys.STRINGS);
    }

    /** Over a table whose keys may be numbers. */
    public InvoiceTransactionsQueries(DynamoDbClient dynamoDb, InvoiceTransactionsTable table) {
        this(dynamoDb, table.tableName(), table::keys);
    }

    private InvoiceTransactionsQueries(DynamoDbClient dynamoDb, String table,
                                       java.util.function.Supplier<TableKeys> keys) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public Page transactions(InvoiceNumber invoice, Optional<String> prefix, int limit, Optional<String> next) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        TableKeys types = keys.get();
        Map<String, String> names = new HashMap<>(Map.of("#i", ChangeTranslator.INVOICE_NUMBER));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":i", types.invoice(invoice.value())));
        String condition = "#i = :i";
        if (prefix.isPresent() && !prefix.get().isEmpty()) {
            if (types.transaction() == software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.N) {
                throw new IllegalArgumentException("prefix needs a string TransactionIdentifier; in table " + table
                        + " it is a number");
            }
            names.put("#t", ChangeTranslator.TRANSACTION_IDENTIFIER);
            values.put(":p", AttributeValue.fromS(prefix.get()));
            condition += " AND begins_with(#t, :p)";
        }
        Map<String, AttributeValue> start = next.map(token -> decode(token, invoice, prefix.orElse(""), types))
                .orElse(null);
        String keyCondition = condition;
        QueryResponse response = dynamoDb.query(b -> b.tableName(table).keyConditionExpression(keyCondition)
                .expressionAttributeNames(names).expressionAttributeValues(values).limit(limit)
                .exclusiveStartKey(start));
        List<Map<String, Object>> items = response.items().stream().map(InvoiceTransactionsQueries::plain).toList();
        Optional<String> token = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(encode(invoice, prefix.orElse(""),
                TableKeys.text(response.lastEvaluatedKey().get(ChangeTranslator.TRANSACTION_IDENTIFIER))))
                : Optional.empty();
        return new Page(items, token);
    }

    private static Map<String, Object> plain(Map<String, AttributeValue> item) {
        Map<String, Object> plain = new LinkedHashMap<>();
        item.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> plain.put(e.getKey(), AttributeValues.plain(e.getValue())));
        return plain;
    }

    static String encode(InvoiceNumber invoice, String prefix, String lastTransaction) {
        String raw = "v1\n" + invoice.value() + "\n" + prefix + "\n" + lastTransaction;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, AttributeValue> decode(String token, InvoiceNumber invoice, String prefix) {
        return decode(token, invoice, prefix, TableKeys.STRINGS);
    }

    static Map<String, AttributeValue> decode(String token, InvoiceNumber invoice, String prefix, TableKeys types) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadPageToken("next is not a page token of this API");
        }
        String[] parts = raw.split("\n", 4);
        if (parts.length != 4 || !parts[0].equals("v1")) {
            throw new BadPageToken("next is not a page token of this API");
        }
        if (!parts[1].equals(invoice.value()) || !parts[2].equals(prefix)) {
            throw new BadPageToken("next belongs to another query (invoice " + parts[1] + ", prefix '" + parts[2]
                    + "'); pass the same invoice and prefix as the page it came from");
        }
        if (types.transaction() == software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.N
                && !parts[3].matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
            throw new BadPageToken("next is not a page token of this API");
        }
        return Map.of(ChangeTranslator.INVOICE_NUMBER, types.invoice(invoice.value()),
                ChangeTranslator.TRANSACTION_IDENTIFIER, types.transaction(parts[3]));
    }
}
