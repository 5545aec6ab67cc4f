package io.invoicestreams.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code InvoiceDoc} of a transaction: a JSON object with the vendor name, item descriptions and quantities,
 * for example {@code {"Vendor Name":"Vendor1 Inc","NumberofItems":"5","ItemsDesc":[{"laptops":{"Quantity":2}}]}}.
 * It is kept whole, so an attribute that appears later is not lost.
 *
 * @param fields the document's top-level fields
 */
public record InvoiceDocument(DocumentValue.Fields fields) {

    public static final String VENDOR_NAME = "Vendor Name";

    public InvoiceDocument {
        Objects.requireNonNull(fields, "InvoiceDoc fields must not be null");
    }

    public static InvoiceDocument empty() {
        return new InvoiceDocument(DocumentValue.Fields.empty());
    }

    public boolean isEmpty() {
        return fields.values().isEmpty();
    }

    public Optional<String> vendorName() {
        return fields.get(VENDOR_NAME) instanceof DocumentValue.Text(String name) ? Optional.of(name) : Optional.empty();
    }
}
