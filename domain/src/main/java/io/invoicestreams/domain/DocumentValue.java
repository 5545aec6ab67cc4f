package io.invoicestreams.domain;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A schemaless value: the shape of {@code InvoiceDoc} and of a stream record's item image, without any storage
 * or serialisation library. Field order is kept, so a document prints as it was written.
 */
public sealed interface DocumentValue {

    record Text(String value) implements DocumentValue {
        public Text {
            Objects.requireNonNull(value, "text");
        }
    }

    /** A number, kept as the decimal it was written as; never a double. */
    record Number(BigDecimal value) implements DocumentValue {
        public Number {
            Objects.requireNonNull(value, "number");
        }
    }

    record Flag(boolean value) implements DocumentValue {
    }

    record Nothing() implements DocumentValue {
    }

    record Items(List<DocumentValue> values) implements DocumentValue {
        public Items {
            values = List.copyOf(values);
        }
    }

    /** An object. The map keeps insertion order and cannot be changed. */
    record Fields(Map<String, DocumentValue> values) implements DocumentValue {
        public Fields {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        public static Fields empty() {
            return new Fields(Map.of());
        }

        public DocumentValue get(String name) {
            return values.get(name);
        }
    }

    static Text text(String value) {
        return new Text(value);
    }

    static Number number(String value) {
        return new Number(new BigDecimal(value));
    }

    /**
     * The words of this value for full-text purposes: texts and numbers, with an object's keys, in order.
     * {@code {"laptops":{"Quantity":2}}} reads as {@code laptops Quantity 2}.
     */
    default String plainText() {
        StringBuilder out = new StringBuilder();
        appendText(this, out);
        return out.toString().strip();
    }

    private static void appendText(DocumentValue value, StringBuilder out) {
        switch (value) {
            case Text t -> out.append(t.value()).append(' ');
            case Number n -> out.append(n.value().toPlainString()).append(' ');
            case Flag f -> out.append(f.value()).append(' ');
            case Nothing ignored -> { }
            case Items items -> items.values().forEach(v -> appendText(v, out));
            case Fields fields -> fields.values().forEach((k, v) -> {
                out.append(k).append(' ');
                appendText(v, out);
            });
        }
    }
}
