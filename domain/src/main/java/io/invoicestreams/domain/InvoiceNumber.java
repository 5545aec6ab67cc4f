package io.invoicestreams.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The partition key of {@code InvoiceTransactions}: the identity of one Invoice aggregate.
 *
 * @param value 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit
 */
public record InvoiceNumber(String value) {

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public InvoiceNumber {
        Objects.requireNonNull(value, "InvoiceNumber must not be null");
        if (!SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("InvoiceNumber '" + Texts.abbreviate(value)
                    + "' is malformed: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** The raw value: Axon uses this as the aggregate identifier. */
    @Override
    public String toString() {
        return value;
    }
}
