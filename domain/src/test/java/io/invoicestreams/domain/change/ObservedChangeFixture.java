package io.invoicestreams.domain.change;

import static io.invoicestreams.domain.invoice.InvoiceFixture.change;

import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.invoice.InvoiceFixture;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Item images and observed changes as each stream view type delivers them, plus a table that answers the
 * translator's consistent reads.
 */
public final class ObservedChangeFixture {

    /** The images a view type carries. */
    public enum ViewType {
        KEYS_ONLY(false, false), NEW_IMAGE(true, false), OLD_IMAGE(false, true), NEW_AND_OLD_IMAGES(true, true);

        final boolean newImages;
        final boolean oldImages;

        ViewType(boolean newImages, boolean oldImages) {
            this.newImages = newImages;
            this.oldImages = oldImages;
        }
    }

    /** The table as it stands after the changes built so far: what a consistent read returns. */
    private final Map<String, ItemImage> table = new HashMap<>();
    private final ViewType viewType;

    public ObservedChangeFixture(ViewType viewType) {
        this.viewType = viewType;
    }

    public CurrentItemReader table() {
        return (invoice, transaction) -> Optional.ofNullable(table.get(invoice + "|" + transaction));
    }

    public static ItemImage keys(String invoice, String transaction) {
        Map<String, DocumentValue> keys = new LinkedHashMap<>();
        keys.put(ChangeTranslator.INVOICE_NUMBER, DocumentValue.text(invoice));
        keys.put(ChangeTranslator.TRANSACTION_IDENTIFIER, DocumentValue.text(transaction));
        return new ItemImage(keys);
    }

    public static ItemImage item(String invoice, String transaction, String amount, String country) {
        Map<String, DocumentValue> item = new LinkedHashMap<>(keys(invoice, transaction).attributes());
        item.put(ChangeTranslator.AMOUNT, DocumentValue.text(amount));
        item.put(ChangeTranslator.COUNTRY, DocumentValue.text(country));
        item.put(ChangeTranslator.INVOICE_DATE, DocumentValue.text("06062016"));
        item.put(ChangeTranslator.INVOICE_DOC, InvoiceFixture.vendorDocument("Vendor1 Inc").fields());
        return new ItemImage(item);
    }

    /** Writes {@code now} to the table and returns the record the stream delivers for it. */
    public ObservedChange write(long sequence, ItemImage now) {
        String key = keyOf(now);
        ItemImage before = table.put(key, now);
        return new ObservedChange(change(sequence), before == null ? ObservedChange.Kind.CREATED
                : ObservedChange.Kind.WRITTEN, keysOf(now),
                viewType.oldImages ? before : null, viewType.newImages ? now : null);
    }

    /** Deletes the item from the table and returns the record the stream delivers for it. */
    public ObservedChange delete(long sequence, InvoiceNumber invoice, TransactionId transaction,
                                 ObservedChange.Kind kind) {
        ItemImage before = table.remove(invoice + "|" + transaction);
        return new ObservedChange(change(sequence), kind, keys(invoice.value(), transaction.value()),
                viewType.oldImages ? before : null, null);
    }

    private static String keyOf(ItemImage image) {
        return ((DocumentValue.Text) image.get(ChangeTranslator.INVOICE_NUMBER)).value() + "|"
                + ((DocumentValue.Text) image.get(ChangeTranslator.TRANSACTION_IDENTIFIER)).value();
    }

    private static ItemImage keysOf(ItemImage image) {
        DocumentValue.Text invoice = (DocumentValue.Text) image.get(ChangeTranslator.INVOICE_NUMBER);
        DocumentValue.Text transaction = (DocumentValue.Text) image.get(ChangeTranslator.TRANSACTION_IDENTIFIER);
        return keys(invoice.value(), transaction.value());
    }
}
