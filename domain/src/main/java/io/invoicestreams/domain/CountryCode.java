package io.invoicestreams.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code Trans_country} of a transaction, as the table holds it: "USA", "UK", "China". The table does not use
 * ISO codes, so neither does this value; it only keeps out what could not be a country.
 *
 * @param value 1 to 64 characters: letters, spaces, '.', '-' or apostrophes, with no leading or trailing space
 */
public record CountryCode(String value) {

    private static final Pattern SHAPE = Pattern.compile("\\p{L}[\\p{L} .'-]{0,62}\\p{L}?\\.?");

    public CountryCode {
        Objects.requireNonNull(value, "Trans_country must not be null");
        if (!SHAPE.matcher(value).matches() || !value.strip().equals(value)) {
            throw new IllegalArgumentException("Trans_country '" + Texts.abbreviate(value)
                    + "' is malformed: use 1 to 64 letters, spaces, '.', '-' or apostrophes");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
