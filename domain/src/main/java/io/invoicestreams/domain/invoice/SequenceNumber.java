package io.invoicestreams.domain.invoice;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A stream record's sequence number: a string of up to 40 digits that grows for each change of an item. It is
 * compared as a number, never as text and never through {@code long}.
 *
 * @param value the decimal digits, without leading zeros beyond one
 */
public record SequenceNumber(String value) implements Comparable<SequenceNumber> {

    public SequenceNumber {
        Objects.requireNonNull(value, "SequenceNumber must not be null");
        if (value.isEmpty() || value.length() > 40 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("SequenceNumber '" + io.invoicestreams.domain.Texts.abbreviate(value)
                    + "' is not 1 to 40 decimal digits");
        }
    }

    public BigInteger asNumber() {
        return new BigInteger(value);
    }

    @Override
    public int compareTo(SequenceNumber other) {
        return asNumber().compareTo(other.asNumber());
    }

    public boolean isAfter(SequenceNumber other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return value;
    }
}
