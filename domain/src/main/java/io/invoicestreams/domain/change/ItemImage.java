package io.invoicestreams.domain.change;

import io.invoicestreams.domain.DocumentValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes of one table item as a stream record carries them (keys, old image or new image), converted by
 * the stream adapter into storage-neutral values.
 *
 * @param attributes attribute name to value, in the record's order
 */
public record ItemImage(Map<String, DocumentValue> attributes) {

    public ItemImage {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public DocumentValue get(String name) {
        return attributes.get(name);
    }
}
