package io.invoicestreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest {

    private static final Currency USD = Currency.getInstance("USD");

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "$100          | 100.00 USD",
            "100.50        | 100.50 USD",
            "USD 12        | 12.00 USD",
            "12 EUR        | 12.00 EUR",
            "eur12.5       | 12.50 EUR",
            "£1,250.00     | 1250.00 GBP",
            "-$5.25        | -5.25 USD",
            "$-5.25        | -5.25 USD",
            "\" $0 \"        | 0.00 USD",
            "JPY 1000      | 1000 JPY",
            "12345678901234567890.12 | 12345678901234567890.12 USD"})
    void parses_the_shapes_the_table_holds(String raw, String expected) {
        assertThat(Money.parse(raw, USD)).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "abc        | it is not a number with an optional currency symbol or code",
            "$          | it is not a number",
            "1.2.3      | it is not a number",
            "--5        | it is not a number",
            "-$-5       | it has two signs",
            "$1.005     | more decimal places than USD allows (2)",
            "JPY 10.5   | more decimal places than JPY allows (0)",
            "ABC 10     | 'ABC' is not an ISO 4217 currency code",
            "1e5        | it is not a number",
            "NaN        | it is not a number"})
    void rejects_what_is_not_money_naming_the_raw_value(String raw, String reason) {
        assertThatThrownBy(() -> Money.parse(raw, USD))
                .isInstanceOf(InvalidAmountException.class)
                .hasMessageStartingWith("Amount '" + raw + "' is not valid money: ")
                .hasMessageContaining(reason);
    }

    @Test
    void sums_exactly_where_double_would_not() {
        Money sum = Money.parse("0.10", USD).plus(Money.parse("0.20", USD));
        assertThat(sum.amount()).isEqualByComparingTo(new BigDecimal("0.30"));
        assertThat(0.1 + 0.2).isNotEqualTo(0.3);
    }

    @Test
    void refuses_to_add_or_compare_two_currencies() {
        assertThatThrownBy(() -> Money.of("1", "USD").plus(Money.of("1", "EUR")))
                .isInstanceOf(Money.CurrencyMismatchException.class)
                .hasMessageContaining("different currencies");
        assertThatThrownBy(() -> Money.of("1", "USD").compareTo(Money.of("1", "EUR")))
                .isInstanceOf(Money.CurrencyMismatchException.class);
    }

    @Test
    void keeps_the_currency_scale_and_compares_values_not_scales() {
        assertThat(Money.of("100", "USD").amount().scale()).isEqualTo(2);
        assertThat(Money.of("100.0", "USD").sameValueAs(Money.of("100", "USD"))).isTrue();
        assertThat(Money.of("100", "USD").sameValueAs(Money.of("100", "EUR"))).isFalse();
        assertThat(Money.of("100.10", "USD").minus(Money.of("0.10", "USD"))).isEqualTo(Money.of("100", "USD"));
    }
}
