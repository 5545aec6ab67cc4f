package io.invoicestreams.domain;

/** An amount that cannot be read as money. The message names the raw value and the reason. */
public final class InvalidAmountException extends IllegalArgumentException {

    private final String rawValue;

    public InvalidAmountException(String rawValue, String reason) {
        super("Amount '" + Texts.abbreviate(rawValue) + "' is not valid money: " + reason);
        this.rawValue = rawValue;
    }

    public String rawValue() {
        return rawValue;
    }
}
