package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.change.ItemImage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts DynamoDB attribute values into the domain's storage-neutral values. Numbers stay decimals. */
public final class AttributeValues {

    private AttributeValues() {
    }

    public static ItemImage image(Map<String, AttributeValue> item) {
        Map<String, DocumentValue> attributes = new LinkedHashMap<>();
        item.forEach((name, value) -> attributes.put(name, value(value)));
        return new ItemImage(attributes);
    }

    public static DocumentValue value(AttributeValue value) {
        return switch (value.type()) {
            case S -> new DocumentValue.Text(value.s());
            case N -> new DocumentValue.Number(new BigDecimal(value.n()));
            case B -> new DocumentValue.Text(Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case SS -> new DocumentValue.Items(value.ss().stream().<DocumentValue>map(DocumentValue.Text::new).toList());
            case NS -> new DocumentValue.Items(value.ns().stream()
                    .<DocumentValue>map(n -> new DocumentValue.Number(new BigDecimal(n))).toList());
            case BS -> new DocumentValue.Items(value.bs().stream().<DocumentValue>map(b ->
                    new DocumentValue.Text(Base64.getEncoder().encodeToString(b.asByteArray()))).toList());
            case M -> {
                Map<String, DocumentValue> fields = new LinkedHashMap<>();
                value.m().forEach((k, v) -> fields.put(k, value(v)));
                yield new DocumentValue.Fields(fields);
            }
            case L -> {
                List<DocumentValue> items = new ArrayList<>();
                value.l().forEach(v -> items.add(value(v)));
                yield new DocumentValue.Items(items);
            }
            case BOOL -> new DocumentValue.Flag(value.bool());
            case NUL -> new DocumentValue.Nothing();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("an attribute has a type this SDK"
                    + " does not know");
        };
    }

    /** The reverse, for writing items: texts stay strings, numbers become N, objects M and lists L. */
    public static AttributeValue attribute(DocumentValue value) {
        return switch (value) {
            case DocumentValue.Text t -> AttributeValue.fromS(t.value());
            case DocumentValue.Number n -> AttributeValue.fromN(n.value().toPlainString());
            case DocumentValue.Flag f -> AttributeValue.fromBool(f.value());
            case DocumentValue.Nothing ignored -> AttributeValue.fromNul(true);
            case DocumentValue.Items items -> AttributeValue.fromL(items.values().stream()
                    .map(AttributeValues::attribute).toList());
            case DocumentValue.Fields fields -> {
                Map<String, AttributeValue> m = new LinkedHashMap<>();
                fields.values().forEach((k, v) -> m.put(k, attribute(v)));
                yield AttributeValue.fromM(m);
            }
        };
    }

    /** A plain Java value for JSON output: String, BigDecimal, Boolean, null, List or Map; binary as base64. */
    public static Object plain(AttributeValue value) {
        return switch (value(value)) {
            case DocumentValue.Text t -> t.value();
            case DocumentValue.Number n -> n.value();
            case DocumentValue.Flag f -> f.value();
            case DocumentValue.Nothing ignored -> null;
            case DocumentValue.Items items -> items.values().stream().map(AttributeValues::attribute)
                    .map(AttributeValues::plain).toList();
            case DocumentValue.Fields fields -> {
                Map<String, Object> m = new LinkedHashMap<>();
                fields.values().forEach((k, v) -> m.put(k, plain(attribute(v))));
                yield m;
            }
        };
    }
}
