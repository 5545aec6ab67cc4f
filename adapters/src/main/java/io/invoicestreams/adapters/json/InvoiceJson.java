package io.invoicestreams.adapters.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.SequenceNumber;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON form of the domain's values, without annotations in the domain: ids and codes are strings, money is
 * {@code {"amount":"100.00","currency":"USD"}} with the amount as an exact decimal string, and documents are
 * plain JSON whose numbers are read as decimals, never doubles. The stored event contract is pinned by approval
 * files in this module's tests.
 */
public final class InvoiceJson {

    private InvoiceJson() {
    }

    /** An ObjectMapper for events, tokens and documents. Give Axon's JacksonSerializer a {@code copy()}. */
    public static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("invoice-streams-domain");
        text(module, InvoiceNumber.class, InvoiceNumber::value, InvoiceNumber::new);
        text(module, TransactionId.class, TransactionId::value, TransactionId::new);
        text(module, CountryCode.class, CountryCode::value, CountryCode::new);
        text(module, Verifier.class, Verifier::value, Verifier::new);
        text(module, SequenceNumber.class, SequenceNumber::value, SequenceNumber::new);
        module.addSerializer(Money.class, new JsonSerializer<>() {
            @Override
            public void serialize(Money money, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeStartObject();
                gen.writeStringField("amount", money.amount().toPlainString());
                gen.writeStringField("currency", money.currency().getCurrencyCode());
                gen.writeEndObject();
            }
        });
        module.addDeserializer(Money.class, new JsonDeserializer<>() {
            @Override
            public Money deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                Map<String, String> fields = p.readValueAs(new com.fasterxml.jackson.core.type.TypeReference<
                        Map<String, String>>() { });
                return Money.of(new BigDecimal(fields.get("amount")), Currency.getInstance(fields.get("currency")));
            }
        });
        module.addSerializer(DocumentValue.class, new JsonSerializer<>() {
            @Override
            public void serialize(DocumentValue value, JsonGenerator gen, SerializerProvider provider)
                    throws IOException {
                write(value, gen);
            }
        });
        module.addDeserializer(DocumentValue.class, new JsonDeserializer<>() {
            @Override
            public DocumentValue deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return read(p);
            }

            @Override
            public DocumentValue getNullValue(DeserializationContext ctxt) {
                return new DocumentValue.Nothing();
            }
        });
        module.addSerializer(InvoiceDocument.class, new JsonSerializer<>() {
            @Override
            public void serialize(InvoiceDocument document, JsonGenerator gen, SerializerProvider provider)
                    throws IOException {
                write(document.fields(), gen);
            }
        });
        module.addDeserializer(InvoiceDocument.class, new JsonDeserializer<>() {
            @Override
            public InvoiceDocument deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (read(p) instanceof DocumentValue.Fields fields) {
                    return new InvoiceDocument(fields);
                }
                throw ctxt.weirdStringException(p.getText(), InvoiceDocument.class, "an invoice document is a JSON object");
            }
        });
        return module;
    }

    private static <T> void text(SimpleModule module, Class<T> type, Function<T, String> toText,
                                 Function<String, T> fromText) {
        module.addSerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(toText.apply(value));
            }
        });
        module.addDeserializer(type, new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return fromText.apply(p.getValueAsString());
            }
        });
    }

    static void write(DocumentValue value, JsonGenerator gen) throws IOException {
        switch (value) {
            case DocumentValue.Text t -> gen.writeString(t.value());
            case DocumentValue.Number n -> gen.writeNumber(n.value());
            case DocumentValue.Flag f -> gen.writeBoolean(f.value());
            case DocumentValue.Nothing ignored -> gen.writeNull();
            case DocumentValue.Items items -> {
                gen.writeStartArray();
                for (DocumentValue v : items.values()) {
                    write(v, gen);
                }
                gen.writeEndArray();
            }
            case DocumentValue.Fields fields -> {
                gen.writeStartObject();
                for (Map.Entry<String, DocumentValue> e : fields.values().entrySet()) {
                    gen.writeFieldName(e.getKey());
                    write(e.getValue(), gen);
                }
                gen.writeEndObject();
            }
        }
    }

    /** Reads the value at the parser's current token (advancing to it first if needed), numbers as decimals. */
    static DocumentValue read(JsonParser p) throws IOException {
        JsonToken token = p.currentToken() == null ? p.nextToken() : p.currentToken();
        if (token == null) {
            throw new IOException("no JSON value");
        }
        return switch (token) {
            case VALUE_STRING -> new DocumentValue.Text(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new DocumentValue.Number(p.getDecimalValue());
            case VALUE_TRUE -> new DocumentValue.Flag(true);
            case VALUE_FALSE -> new DocumentValue.Flag(false);
            case VALUE_NULL -> new DocumentValue.Nothing();
            case START_ARRAY -> {
                List<DocumentValue> values = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    values.add(read(p));
                }
                yield new DocumentValue.Items(values);
            }
            case START_OBJECT -> {
                Map<String, DocumentValue> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    fields.put(name, read(p));
                }
                yield new DocumentValue.Fields(fields);
            }
            default -> throw new IOException("unexpected JSON token " + token);
        };
    }
}
