package io.invoicestreams.domain.change;

import io.invoicestreams.domain.DocumentValue;

/** Reads an {@code InvoiceDoc} held as a JSON string. Implemented where a JSON library may be used. */
@FunctionalInterface
public interface DocumentParser {

    /**
     * @return the object's fields, in order
     * @throws IllegalArgumentException when the text is not a JSON object; the message says where it fails
     */
    DocumentValue.Fields parseObject(String json);
}
