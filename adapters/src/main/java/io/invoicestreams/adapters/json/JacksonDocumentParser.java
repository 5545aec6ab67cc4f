package io.invoicestreams.adapters.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.change.DocumentParser;
import java.io.IOException;

/** Reads an {@code InvoiceDoc} JSON string into document values, keeping numbers exact and field order. */
public final class JacksonDocumentParser implements DocumentParser {

    private final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(400_000).build())
            .build();

    @Override
    public DocumentValue.Fields parseObject(String json) {
        try (JsonParser parser = factory.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("it does not start with '{'");
            }
            DocumentValue.Fields fields = (DocumentValue.Fields) InvoiceJson.read(parser);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("there is more after the object, at column "
                        + parser.currentLocation().getColumnNr());
            }
            return fields;
        } catch (JsonProcessingException e) {
            // A broken limit (nesting, length) has no location in the text.
            var at = e.getLocation();
            throw new IllegalArgumentException(e.getOriginalMessage() + (at == null ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
