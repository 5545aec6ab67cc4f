package io.invoicestreams.domain;

import java.util.Objects;

/**
 * Who verifies the transactions of one country on one invoice, as the {@code Verify_action} attribute holds it:
 * usually an e-mail address such as "admin@com".
 *
 * @param value 1 to 254 characters, no control characters, no leading or trailing space
 */
public record Verifier(String value) {

    public static final int MAX_LENGTH = 254;

    public Verifier {
        Objects.requireNonNull(value, "verifier must not be null");
        if (value.isEmpty() || value.length() > MAX_LENGTH || !value.strip().equals(value)
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("verifier '" + Texts.abbreviate(value) + "' is malformed: use 1 to "
                    + MAX_LENGTH + " characters without control characters or surrounding spaces");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
