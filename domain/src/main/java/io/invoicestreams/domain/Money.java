package io.invoicestreams.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount in one currency. The scale is always the currency's number of fraction digits; a value with more
 * digits is rejected rather than rounded, and rounding happens only where a caller names a {@link RoundingMode}.
 * Amounts are parsed from text without ever passing through {@code double}.
 *
 * @param amount   the amount, at the currency's scale
 * @param currency the ISO 4217 currency
 */
public record Money(BigDecimal amount, Currency currency) implements Comparable<Money> {

    private static final Map<String, String> SYMBOLS = Map.of("$", "USD", "€", "EUR", "£", "GBP");
    private static final String NUMBER = "(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|\\.\\d+";
    private static final Pattern SYMBOL_FIRST =
            Pattern.compile("(?<sign>[-+]?)(?<symbol>[$€£])\\s*(?<sign2>[-+]?)(?<number>" + NUMBER + ")");
    private static final Pattern CODE_FIRST =
            Pattern.compile("(?<code>[A-Za-z]{3})\\s*(?<sign>[-+]?)(?<number>" + NUMBER + ")");
    private static final Pattern CODE_LAST =
            Pattern.compile("(?<sign>[-+]?)(?<number>" + NUMBER + ")\\s*(?<code>[A-Za-z]{3})");
    private static final Pattern BARE = Pattern.compile("(?<sign>[-+]?)(?<number>" + NUMBER + ")");

    public Money {
        Objects.requireNonNull(amount, "amount must not be null");
        Objects.requireNonNull(currency, "currency must not be null");
        int digits = Math.max(currency.getDefaultFractionDigits(), 0);
        BigDecimal stripped = amount.stripTrailingZeros();
        if (stripped.scale() > digits) {
            throw new IllegalArgumentException("amount " + amount.toPlainString() + " has more decimal places than "
                    + currency.getCurrencyCode() + " allows (" + digits + ")");
        }
        amount = amount.setScale(digits, RoundingMode.UNNECESSARY);
    }

    public static Money of(BigDecimal amount, Currency currency) {
        return new Money(amount, currency);
    }

    public static Money of(String amount, String currencyCode) {
        return new Money(new BigDecimal(amount), Currency.getInstance(currencyCode));
    }

    public static Money zero(Currency currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    /**
     * Parses an amount as the table holds it: {@code $100}, {@code -$5.25}, {@code 100.50}, {@code USD 12},
     * {@code 12 EUR}, {@code £1,250.00}. A bare number takes {@code defaultCurrency}.
     *
     * @throws InvalidAmountException naming the raw text and what is wrong with it
     */
    public static Money parse(String raw, Currency defaultCurrency) {
        Objects.requireNonNull(defaultCurrency, "defaultCurrency must not be null");
        if (raw == null || raw.isBlank()) {
            throw new InvalidAmountException(raw, "it is empty");
        }
        String text = raw.strip();
        Matcher m;
        String sign;
        String code;
        if ((m = SYMBOL_FIRST.matcher(text)).matches()) {
            if (!m.group("sign").isEmpty() && !m.group("sign2").isEmpty()) {
                throw new InvalidAmountException(raw, "it has two signs");
            }
            sign = m.group("sign") + m.group("sign2");
            code = SYMBOLS.get(m.group("symbol"));
        } else if ((m = CODE_FIRST.matcher(text)).matches() || (m = CODE_LAST.matcher(text)).matches()) {
            sign = m.group("sign");
            code = m.group("code").toUpperCase(java.util.Locale.ROOT);
        } else if ((m = BARE.matcher(text)).matches()) {
            sign = m.group("sign");
            code = defaultCurrency.getCurrencyCode();
        } else {
            throw new InvalidAmountException(raw, "it is not a number with an optional currency symbol or code");
        }
        Currency currency;
        try {
            currency = Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new InvalidAmountException(raw, "'" + code + "' is not an ISO 4217 currency code");
        }
        BigDecimal value = new BigDecimal(m.group("number").replace(",", ""));
        if (sign.equals("-")) {
            value = value.negate();
        }
        try {
            return new Money(value, currency);
        } catch (IllegalArgumentException e) {
            throw new InvalidAmountException(raw, e.getMessage());
        }
    }

    public Money plus(Money other) {
        requireSameCurrency(other, "add");
        return new Money(amount.add(other.amount), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other, "subtract");
        return new Money(amount.subtract(other.amount), currency);
    }

    public Money negate() {
        return new Money(amount.negate(), currency);
    }

    public boolean isZero() {
        return amount.signum() == 0;
    }

    /** Same currency and numerically equal; records compare BigDecimal scale too, which this does not need. */
    public boolean sameValueAs(Money other) {
        return currency.equals(other.currency) && amount.compareTo(other.amount) == 0;
    }

    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other, "compare");
        return amount.compareTo(other.amount);
    }

    private void requireSameCurrency(Money other, String operation) {
        if (!currency.equals(other.currency)) {
            throw new CurrencyMismatchException("cannot " + operation + " " + other + " and " + this
                    + ": they are in different currencies");
        }
    }

    /** {@code 100.00 USD}. */
    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency.getCurrencyCode();
    }

    /** Raised when two amounts of different currencies are combined. */
    public static final class CurrencyMismatchException extends IllegalArgumentException {
        public CurrencyMismatchException(String message) {
            super(message);
        }
    }
}
