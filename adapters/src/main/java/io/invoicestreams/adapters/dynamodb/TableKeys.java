package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.change.ChangeTranslator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The types of the table's keys, as {@code DescribeTable} gives them: {@code InvoiceNumber} and
 * {@code TransactionIdentifier} may each be a string (S) or a number (N), as a table made the way the seed writes
 * its items ({@code "InvoiceNumber": 1212121}) has them. Inside the service both are text: a number's plain decimal
 * form. Binary keys are refused.
 */
public record TableKeys(ScalarAttributeType invoice, ScalarAttributeType transaction) {

    /** The keys of a table this service creates. */
    public static final TableKeys STRINGS = new TableKeys(ScalarAttributeType.S, ScalarAttributeType.S);

    public TableKeys {
        Objects.requireNonNull(invoice, "invoice");
        Objects.requireNonNull(transaction, "transaction");
    }

    /**
     * Reads the key types of a table.
     *
     * @throws IllegalStateException when its keys are not {@code InvoiceNumber} and {@code TransactionIdentifier},
     *                               or one is binary
     */
    public static TableKeys of(TableDescription table) {
        String hash = null;
        String range = null;
        for (KeySchemaElement key : table.keySchema()) {
            if (key.keyType() == KeyType.HASH) {
                hash = key.attributeName();
            } else {
                range = key.attributeName();
            }
        }
        if (!ChangeTranslator.INVOICE_NUMBER.equals(hash) || !ChangeTranslator.TRANSACTION_IDENTIFIER.equals(range)) {
            throw new IllegalStateException("table " + table.tableName() + " is keyed by " + hash + " and " + range
                    + "; invoice-streams needs the partition key " + ChangeTranslator.INVOICE_NUMBER
                    + " and the sort key " + ChangeTranslator.TRANSACTION_IDENTIFIER);
        }
        Map<String, ScalarAttributeType> types = new LinkedHashMap<>();
        for (AttributeDefinition definition : table.attributeDefinitions()) {
            types.put(definition.attributeName(), definition.attributeType());
        }
        return new TableKeys(supported(table, hash, types.get(hash)), supported(table, range, types.get(range)));
    }

    private static ScalarAttributeType supported(TableDescription table, String name, ScalarAttributeType type) {
        if (type != ScalarAttributeType.S && type != ScalarAttributeType.N) {
            throw new IllegalStateException("the key " + name + " of table " + table.tableName() + " is of type "
                    + type + "; invoice-streams reads string (S) and number (N) keys");
        }
        return type;
    }

    /** The item key of a transaction. */
    public Map<String, AttributeValue> key(InvoiceNumber invoiceNumber, TransactionId transactionId) {
        return Map.of(ChangeTranslator.INVOICE_NUMBER, invoice(invoiceNumber.value()),
                ChangeTranslator.TRANSACTION_IDENTIFIER, transaction(transactionId.value()));
    }

    /** An {@code InvoiceNumber} value of this table's type. */
    public AttributeValue invoice(String value) {
        return of(invoice, value);
    }

    /** A {@code TransactionIdentifier} value of this table's type. */
    public AttributeValue transaction(String value) {
        return of(transaction, value);
    }

    private static AttributeValue of(ScalarAttributeType type, String value) {
        return type == ScalarAttributeType.N ? AttributeValue.fromN(value) : AttributeValue.fromS(value);
    }

    /** A key value as text: a string as it is, a number in the form DynamoDB returns it. */
    public static String text(AttributeValue value) {
        return value.s() != null ? value.s() : value.n();
    }
}
