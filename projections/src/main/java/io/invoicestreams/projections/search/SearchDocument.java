package io.invoicestreams.projections.search;

import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One transaction as the search index holds it: its keys, country, amount and date, and its {@code InvoiceDoc}
 * whole. The vendor, the items with their quantities and the text of every attribute are read from the document, so
 * an attribute that appears later is searchable without a code change.
 *
 * @param version the store position of the last event applied; a write with a lower one is stale and ignored
 */
public record SearchDocument(String invoiceNumber, String transactionId, String country, Money amount,
                             String invoiceDate, InvoiceDocument document, Instant changedAt, long version) {

    public SearchDocument {
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(amount, "amount");
        document = document == null ? InvoiceDocument.empty() : document;
        Objects.requireNonNull(changedAt, "changedAt");
    }

    /** The deterministic id of a transaction's document: {@code {invoice}|{transaction}}. */
    public static String id(String invoiceNumber, String transactionId) {
        return invoiceNumber + "|" + transactionId;
    }

    public String id() {
        return id(invoiceNumber, transactionId);
    }

    /** An item line of the document, such as laptops with quantity 2; the quantity is null where none is given. */
    public record Item(String name, BigDecimal quantity) {
        public Item {
            Objects.requireNonNull(name, "name");
        }

        /** {@code laptops: 2}, or the name alone. */
        @Override
        public String toString() {
            return quantity == null ? name : name + ": " + quantity.stripTrailingZeros().toPlainString();
        }
    }

    public String vendor() {
        return document.vendorName().orElse("");
    }

    /**
     * The items of {@code ItemsDesc} (any key that starts with "items", in any case): each entry's keys are item
     * names, and a {@code Quantity} inside gives the quantity, as in {@code [{"laptops":{"Quantity":2}}]}.
     */
    public List<Item> items() {
        List<Item> items = new ArrayList<>();
        for (Map.Entry<String, DocumentValue> field : document.fields().values().entrySet()) {
            if (field.getKey().toLowerCase(Locale.ROOT).startsWith("items")) {
                collectItems(field.getValue(), items);
            }
        }
        return items;
    }

    private static void collectItems(DocumentValue value, List<Item> items) {
        switch (value) {
            case DocumentValue.Items list -> list.values().forEach(v -> collectItems(v, items));
            case DocumentValue.Fields fields -> fields.values().forEach((name, detail) ->
                    items.add(new Item(name, quantity(detail))));
            case DocumentValue.Text text -> items.add(new Item(text.value(), null));
            default -> { }
        }
    }

    private static BigDecimal quantity(DocumentValue detail) {
        DocumentValue q = detail;
        if (detail instanceof DocumentValue.Fields fields) {
            q = fields.values().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("quantity"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        if (q instanceof DocumentValue.Number n) {
            return n.value();
        }
        if (q instanceof DocumentValue.Text t && t.value().strip().matches("-?\\d+(\\.\\d+)?")) {
            return new BigDecimal(t.value().strip());
        }
        return null;
    }

    /** The text of every top-level attribute of the document, by name; new attributes come along unasked. */
    public Map<String, String> attributes() {
        Map<String, String> text = new LinkedHashMap<>();
        document.fields().values().forEach((name, value) -> text.put(name, value.plainText()));
        return text;
    }

    public SearchDocument withAmount(Money corrected, Instant at, long newVersion) {
        return new SearchDocument(invoiceNumber, transactionId, country, corrected, invoiceDate, document, at, newVersion);
    }

    public SearchDocument withCountry(String changed, Instant at, long newVersion) {
        return new SearchDocument(invoiceNumber, transactionId, changed, amount, invoiceDate, document, at, newVersion);
    }

    public SearchDocument withInvoiceDate(String changed, Instant at, long newVersion) {
        return new SearchDocument(invoiceNumber, transactionId, country, amount, changed, document, at, newVersion);
    }

    public SearchDocument withDocument(InvoiceDocument changed, Instant at, long newVersion) {
        return new SearchDocument(invoiceNumber, transactionId, country, amount, invoiceDate, changed, at, newVersion);
    }
}
