package io.invoicestreams.domain.change;

import static io.invoicestreams.domain.change.ObservedChangeFixture.item;
import static io.invoicestreams.domain.change.ObservedChangeFixture.keys;
import static io.invoicestreams.domain.invoice.InvoiceFixture.change;
import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.invoice.TransactionChange;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeTranslatorTest {

    private final ChangeTranslator translator = new ChangeTranslator(Currency.getInstance("USD"),
            json -> {
                if (json.equals("{\"Vendor Name\":\"V\"}")) {
                    return new DocumentValue.Fields(Map.of("Vendor Name", DocumentValue.text("V")));
                }
                throw new IllegalArgumentException("Unexpected character at column 1");
            }, CurrentItemReader.NONE);

    private static ObservedChange written(ItemImage image) {
        return new ObservedChange(change(1), ObservedChange.Kind.WRITTEN, keys("1212121", "T1"), null, image);
    }

    private static ItemImage with(String attribute, DocumentValue value) {
        Map<String, DocumentValue> attributes = new LinkedHashMap<>(item("1212121", "T1", "$1", "USA").attributes());
        if (value == null) {
            attributes.remove(attribute);
        } else {
            attributes.put(attribute, value);
        }
        return new ItemImage(attributes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "abc       | Amount 'abc' is not valid money",
            "$1.005    | more decimal places than USD allows (2)",
            "XYZ 12    | 'XYZ' is not an ISO 4217 currency code",
            "\"\"      | Amount '' is not valid money: it is empty"})
    void a_bad_amount_is_unusable_and_the_reason_names_the_field_and_raw_value(String raw, String reason) {
        Translation t = translator.translate(written(with("Amount", DocumentValue.text(raw))));
        assertThat(t).isInstanceOfSatisfying(Translation.Unusable.class,
                u -> assertThat(u.reason()).contains(reason));
    }

    @Test
    void a_number_amount_takes_the_default_currency_without_passing_through_double() {
        Translation t = translator.translate(written(with("Amount", DocumentValue.number("0.10"))));
        assertThat(((TransactionChange.Written) ((Translation.Translated) t).change()).details().amount())
                .hasToString("0.10 USD");
    }

    @Test
    void missing_keys_and_attributes_are_named() {
        ObservedChange noKey = new ObservedChange(change(1), ObservedChange.Kind.WRITTEN,
                new ItemImage(Map.of(ChangeTranslator.INVOICE_NUMBER, DocumentValue.text("1212121"))), null, null);
        assertThat(translator.translate(noKey)).isEqualTo(
                new Translation.Unusable("key attribute TransactionIdentifier is missing"));
        assertThat(translator.translate(written(with("Amount", null)))).isEqualTo(
                new Translation.Unusable("attribute Amount is missing"));
        assertThat(translator.translate(written(with("Trans_country", null)))).isEqualTo(
                new Translation.Unusable("attribute Trans_country is missing"));
    }

    @Test
    void a_malformed_invoice_number_is_unusable() {
        ObservedChange bad = new ObservedChange(change(1), ObservedChange.Kind.WRITTEN,
                keys("12 12", "T1"), null, item("12 12", "T1", "$1", "USA"));
        assertThat(translator.translate(bad)).isInstanceOfSatisfying(Translation.Unusable.class,
                u -> assertThat(u.reason()).contains("InvoiceNumber '12 12' is malformed"));
    }

    @Test
    void an_invoice_document_may_be_a_map_or_a_json_string_and_anything_else_is_unusable() {
        Translation fromJson = translator.translate(written(with("InvoiceDoc",
                DocumentValue.text("{\"Vendor Name\":\"V\"}"))));
        assertThat(((TransactionChange.Written) ((Translation.Translated) fromJson).change()).details().document()
                .vendorName()).contains("V");
        assertThat(translator.translate(written(with("InvoiceDoc", DocumentValue.text("not json")))))
                .isInstanceOfSatisfying(Translation.Unusable.class, u -> assertThat(u.reason())
                        .isEqualTo("attribute InvoiceDoc 'not json' is not a JSON object:"
                                + " Unexpected character at column 1"));
        assertThat(translator.translate(written(with("InvoiceDoc", new DocumentValue.Flag(true)))))
                .isEqualTo(new Translation.Unusable("attribute InvoiceDoc must be a map or a JSON string, not a boolean"));
        Translation absent = translator.translate(written(with("InvoiceDoc", null)));
        assertThat(((TransactionChange.Written) ((Translation.Translated) absent).change()).details().document())
                .isEqualTo(InvoiceDocument.empty());
    }

    @Test
    void a_deletion_with_an_unreadable_old_image_still_deletes() {
        ObservedChange deletion = new ObservedChange(change(2), ObservedChange.Kind.DELETED, keys("1212121", "T1"),
                with("Amount", DocumentValue.text("abc")), null);
        assertThat(translator.translate(deletion)).isInstanceOfSatisfying(Translation.Translated.class,
                t -> assertThat(t.change()).isInstanceOfSatisfying(TransactionChange.Deleted.class,
                        d -> assertThat(d.lastImage()).isNull()));
    }

    @Test
    void number_keys_read_as_their_plain_decimal_text_and_the_number_marker_is_ignored() {
        java.util.function.BiFunction<String, String, ItemImage> numbers = (invoice, transaction) -> new ItemImage(
                java.util.Map.of(ChangeTranslator.INVOICE_NUMBER, new DocumentValue.Number(new java.math.BigDecimal(invoice)),
                        ChangeTranslator.TRANSACTION_IDENTIFIER,
                        new DocumentValue.Number(new java.math.BigDecimal(transaction))));
        ObservedChange numbered = new ObservedChange(change(1), ObservedChange.Kind.CREATED,
                numbers.apply("1212121", "7"), null, item("1212121", "7", "$1", "USA"));
        assertThat(translator.translate(numbered)).isInstanceOfSatisfying(Translation.Translated.class, t -> {
            assertThat(t.invoiceNumber().value()).isEqualTo("1212121");
            assertThat(t.change().transactionId().value()).isEqualTo("7");
        });
        ObservedChange marker = new ObservedChange(change(1), ObservedChange.Kind.CREATED,
                numbers.apply(ChangeTranslator.BOOTSTRAP_MARKER_NUMBER, "3"), null, null);
        assertThat(translator.translate(marker)).isInstanceOf(Translation.Ignored.class);
    }

    @Test
    void the_bootstrap_marker_item_is_ignored_and_an_overwrite_is_no_creation() {
        ObservedChange marker = new ObservedChange(change(1), ObservedChange.Kind.CREATED,
                keys(ChangeTranslator.BOOTSTRAP_MARKER, "run-1"), null, null);
        assertThat(translator.translate(marker)).isInstanceOf(Translation.Ignored.class);

        ObservedChange inserted = new ObservedChange(change(1), ObservedChange.Kind.CREATED, keys("1212121", "T1"),
                null, item("1212121", "T1", "$1", "USA"));
        assertThat(((TransactionChange.Written) ((Translation.Translated) translator.translate(inserted)).change())
                .created()).isTrue();
        assertThat(((TransactionChange.Written) ((Translation.Translated) translator.translate(
                written(item("1212121", "T1", "$1", "USA")))).change()).created()).isFalse();
    }
}
