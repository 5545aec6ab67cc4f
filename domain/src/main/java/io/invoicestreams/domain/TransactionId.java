package io.invoicestreams.domain;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The sort key of {@code InvoiceTransactions}: one transaction within an invoice.
 *
 * @param value 1 to 1024 UTF-8 bytes (DynamoDB's sort key limit), with no control characters and no '|'
 *              (the separator of derived document ids)
 */
public record TransactionId(String value) {

    public static final int MAX_BYTES = 1024;

    public TransactionId {
        Objects.requireNonNull(value, "TransactionIdentifier must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("TransactionIdentifier must not be blank");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("TransactionIdentifier '" + Texts.abbreviate(value)
                    + "' is longer than " + MAX_BYTES + " bytes");
        }
        if (value.chars().anyMatch(c -> Character.isISOControl(c) || c == '|')) {
            throw new IllegalArgumentException("TransactionIdentifier '" + Texts.abbreviate(value)
                    + "' contains a control character or '|'");
        }
    }

    /** True when this id begins with {@code prefix}, as DynamoDB's {@code begins_with} compares. */
    public boolean startsWith(String prefix) {
        return value.startsWith(prefix);
    }

    @Override
    public String toString() {
        return value;
    }
}
