package io.invoicestreams.adapters.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.domain.DocumentValue;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of the {@code InvoiceDoc} parser, which reads whatever users stored in the table: any text is a
 * document or an IllegalArgumentException with a reason (the record is then parked), never another failure; a
 * document keeps every attribute it had.
 */
class DocumentParserProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JacksonDocumentParser parser = new JacksonDocumentParser();

    private void documentOrReason(String text) {
        try {
            assertThat(parser.parseObject(text)).isNotNull();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void any_text_is_a_document_or_a_reason(@ForAll @StringLength(max = 200) String text) {
        documentOrReason(text);
    }

    @Provide
    Arbitrary<String> jsonLike() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+ truefalsn\\u").ofMaxLength(60);
    }

    @Property(tries = 3000)
    void json_like_text_is_a_document_or_a_reason(@ForAll("jsonLike") String text) {
        documentOrReason(text);
    }

    @Property(tries = 50)
    void nesting_of_any_depth_is_a_document_or_a_reason(@ForAll @IntRange(min = 1, max = 5000) int depth) {
        documentOrReason("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        documentOrReason("{\"a\":" + "{\"b\":".repeat(depth) + "1" + "}".repeat(depth) + "}");
    }

    @Provide
    Arbitrary<Map<String, Object>> documents() {
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(s -> (Object) Map.of(s, 2)));
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(12), values).ofMaxSize(8);
    }

    @Property(tries = 500)
    void a_document_keeps_every_attribute(@ForAll("documents") Map<String, Object> document) throws Exception {
        DocumentValue.Fields fields = parser.parseObject(JSON.writeValueAsString(document));
        assertThat(fields.values().keySet()).containsExactlyInAnyOrderElementsOf(document.keySet());
    }
}
