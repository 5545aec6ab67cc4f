package io.invoicestreams.domain.change;

import static io.invoicestreams.domain.change.ObservedChangeFixture.item;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS1;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS2;
import static io.invoicestreams.domain.invoice.InvoiceFixture.INVOICE;
import static io.invoicestreams.domain.invoice.InvoiceFixture.USA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.change;
import static io.invoicestreams.domain.invoice.InvoiceFixture.opening;
import static io.invoicestreams.domain.invoice.InvoiceFixture.recorded;
import static io.invoicestreams.domain.invoice.InvoiceFixture.usd;
import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.domain.change.ObservedChangeFixture.ViewType;
import io.invoicestreams.domain.invoice.ApplyTransactionChanges;
import io.invoicestreams.domain.invoice.Invoice;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionAmountCorrected;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionExpired;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRemoved;
import io.invoicestreams.domain.invoice.TransactionChange;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same table history gives the same events whatever the stream's view type carries: the aggregate derives
 * old amounts from its own state, and the translator reads the table where a record has no new image.
 */
class ViewTypesTest {

    @ParameterizedTest
    @EnumSource(ViewType.class)
    void every_view_type_yields_the_same_events(ViewType viewType) {
        ObservedChangeFixture stream = new ObservedChangeFixture(viewType);
        ChangeTranslator translator = new ChangeTranslator(Currency.getInstance("USD"),
                json -> { throw new IllegalArgumentException("no JSON strings in this test"); }, stream.table());
        // A reader that keeps up translates each record before the next change is made to the table.
        List<TransactionChange> changes = new ArrayList<>();
        java.util.function.Consumer<ObservedChange> read = record -> {
            Translation t = translator.translate(record);
            assertThat(t).isInstanceOf(Translation.Translated.class);
            changes.add(((Translation.Translated) t).change());
        };
        read.accept(stream.write(1, item("1212121", "Client1_trans1xxxx", "$100", "USA")));
        read.accept(stream.write(2, item("1212121", "Client1_trans2xxxx", "$500", "USA")));
        read.accept(stream.write(3, item("1212121", "Client1_trans1xxxx", "$250", "USA")));
        read.accept(stream.delete(4, INVOICE, CLIENT1_TRANS2, ObservedChange.Kind.DELETED));
        read.accept(stream.delete(5, INVOICE, CLIENT1_TRANS1, ObservedChange.Kind.EXPIRED));

        new AggregateTestFixture<>(Invoice.class).givenNoPriorActivity()
                .when(new ApplyTransactionChanges(INVOICE, changes))
                .expectEvents(opening(CLIENT1_TRANS1, 1, "100", USA),
                        recorded(CLIENT1_TRANS2, 2, "500", USA),
                        new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("250"), USA,
                                change(3)),
                        new TransactionRemoved(INVOICE, CLIENT1_TRANS2, usd("500"), USA, change(4)),
                        new TransactionExpired(INVOICE, CLIENT1_TRANS1, usd("250"), USA, change(5)));
    }

    @ParameterizedTest
    @EnumSource(value = ViewType.class, names = {"KEYS_ONLY", "OLD_IMAGE"})
    void a_write_whose_item_is_already_gone_is_superseded_by_the_deletion_that_follows(ViewType viewType) {
        ObservedChangeFixture stream = new ObservedChangeFixture(viewType);
        ChangeTranslator translator = new ChangeTranslator(Currency.getInstance("USD"),
                json -> { throw new IllegalArgumentException("unused"); }, stream.table());
        ObservedChange write = stream.write(1, item("1212121", "Client1_trans1xxxx", "$100", "USA"));
        stream.delete(2, INVOICE, CLIENT1_TRANS1, ObservedChange.Kind.DELETED);

        assertThat(translator.translate(write)).isInstanceOf(Translation.Superseded.class);
    }
}
