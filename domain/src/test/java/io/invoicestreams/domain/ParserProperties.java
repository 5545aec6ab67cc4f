package io.invoicestreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Currency;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of the parsers that read outside input: the table's amounts and keys. Whatever the text, the answer is
 * a value or the domain's own exception naming the field; an amount is read exactly and never rounded.
 */
class ParserProperties {

    private static final Currency USD = Currency.getInstance("USD");

    @Provide
    Arbitrary<BigDecimal> cents() {
        return Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                .map(unscaled -> new BigDecimal(unscaled, 2));
    }

    @Property
    void an_amount_written_as_the_table_writes_it_reads_back_exactly(@ForAll("cents") BigDecimal amount) {
        String plain = amount.abs().toPlainString();
        String sign = amount.signum() < 0 ? "-" : "";
        for (String text : new String[] {sign + "$" + plain, sign + plain, "USD " + sign + plain, sign + plain + " USD"}) {
            Money money = Money.parse(text, USD);
            assertThat(money.amount()).as(text).isEqualTo(amount.setScale(2));
            assertThat(money.currency()).isEqualTo(USD);
        }
    }

    @Property
    void grouped_thousands_read_as_the_same_amount(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int whole,
                                                    @ForAll @IntRange(min = 0, max = 99) int cents) {
        String grouped = String.format(java.util.Locale.US, "%,d", whole);
        Money money = Money.parse("£" + grouped + "." + String.format("%02d", cents), USD);
        assertThat(money.amount()).isEqualTo(BigDecimal.valueOf(whole).add(BigDecimal.valueOf(cents, 2)));
        assertThat(money.currency().getCurrencyCode()).isEqualTo("GBP");
    }

    @Property
    void more_decimals_than_the_currency_allows_are_refused_not_rounded(@ForAll("cents") BigDecimal amount,
                                                                       @ForAll @IntRange(min = 1, max = 9) int extra) {
        String text = "$" + amount.abs().toPlainString() + extra;
        assertThatThrownBy(() -> Money.parse(text, USD)).isInstanceOf(InvalidAmountException.class)
                .hasMessageContaining("decimal places");
    }

    @Property(tries = 2000)
    void any_text_is_money_or_an_invalid_amount_that_names_it(@ForAll @StringLength(max = 80) String text) {
        try {
            Money money = Money.parse(text, USD);
            assertThat(money.amount().scale()).isLessThanOrEqualTo(money.currency().getDefaultFractionDigits());
        } catch (InvalidAmountException e) {
            assertThat(e.getMessage()).startsWith("Amount '").contains("is not valid money");
            assertThat(e.rawValue()).isEqualTo(text);
        }
    }

    @Provide
    Arbitrary<String> amountLike() {
        return Arbitraries.strings().withChars("0123456789$€£,.-+ USDEURxq").ofMaxLength(30);
    }

    @Property(tries = 2000)
    void amount_like_text_is_money_or_an_invalid_amount(@ForAll("amountLike") String text) {
        any_text_is_money_or_an_invalid_amount_that_names_it(text);
    }

    @Property(tries = 1000)
    void any_text_is_an_invoice_number_or_refused_by_name(@ForAll @StringLength(max = 100) String text) {
        try {
            assertThat(new InvoiceNumber(text).value()).isEqualTo(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("InvoiceNumber '");
        }
    }

    @Property(tries = 1000)
    void any_text_is_a_transaction_id_or_refused_by_name(@ForAll @StringLength(max = 1100) String text) {
        try {
            assertThat(new TransactionId(text).value()).isEqualTo(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("TransactionIdentifier");
        }
    }

    @Property(tries = 1000)
    void any_text_is_a_country_or_refused_by_name(@ForAll @StringLength(max = 100) String text) {
        try {
            assertThat(new CountryCode(text).value()).isEqualTo(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("Trans_country '");
        }
    }
}
