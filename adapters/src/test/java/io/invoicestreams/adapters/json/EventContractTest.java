package io.invoicestreams.adapters.json;

import static io.invoicestreams.domain.invoice.InvoiceFixture.ADMIN;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CHINA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.EPOCH;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS1;
import static io.invoicestreams.domain.invoice.InvoiceFixture.INVOICE;
import static io.invoicestreams.domain.invoice.InvoiceFixture.USA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.change;
import static io.invoicestreams.domain.invoice.InvoiceFixture.recorded;
import static io.invoicestreams.domain.invoice.InvoiceFixture.usd;
import static io.invoicestreams.domain.invoice.InvoiceFixture.vendorDocument;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.invoicestreams.adapters.dynamodb.ShardCheckpoint;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.support.Approvals;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.VerificationEvent;
import java.util.List;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The stored JSON form of every event and of the shard checkpoint, pinned; and each reads back as written. */
class EventContractTest {

    private final Serializer serializer = InvoiceEventStore.serializer();
    private final ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static List<Object> events() {
        return List.of(
                recorded(CLIENT1_TRANS1, 1, "100", USA),
                new InvoiceEvent.TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("0"), USA, change(2)),
                new InvoiceEvent.TransactionCountryChanged(INVOICE, CLIENT1_TRANS1, USA, CHINA, change(3)),
                new InvoiceEvent.TransactionInvoiceDateChanged(INVOICE, CLIENT1_TRANS1, "06062016", null, change(4)),
                new InvoiceEvent.TransactionDocumentChanged(INVOICE, CLIENT1_TRANS1, vendorDocument("Vendor2 Ltd"),
                        change(5)),
                new InvoiceEvent.TransactionRemoved(INVOICE, CLIENT1_TRANS1, usd("100.10"), USA, change(6)),
                new InvoiceEvent.TransactionExpired(INVOICE, CLIENT1_TRANS1, usd("0.01"), CHINA, change(7)),
                new VerificationEvent.CountryVerifierAssigned(INVOICE, USA, ADMIN, List.of(CLIENT1_TRANS1), EPOCH),
                new VerificationEvent.CountryVerifierRemoved(INVOICE, USA, ADMIN, EPOCH.plusSeconds(60)));
    }

    @ParameterizedTest
    @MethodSource("events")
    void each_event_has_a_pinned_json_form_and_reads_back_equal(Object event) throws Exception {
        SerializedObject<String> stored = serializer.serialize(event, String.class);
        Approvals.verify("events/" + event.getClass().getSimpleName() + ".json",
                pretty.writeValueAsString(pretty.readTree(stored.getData())) + "\n");
        assertThat(stored.getType().getName()).isEqualTo(event.getClass().getName());
        Object read = serializer.deserialize(stored);
        assertThat(read).isEqualTo(event);
    }

    @Test
    void a_recorded_event_stored_before_opens_invoice_existed_reads_back_as_not_opening_one() throws Exception {
        String json = java.nio.file.Files.readString(java.nio.file.Path.of(
                "src/test/resources/stored/TransactionRecorded-before-opensInvoice.json"));
        Object read = serializer.deserialize(new org.axonframework.serialization.SimpleSerializedObject<>(json,
                String.class, InvoiceEvent.TransactionRecorded.class.getName(), null));
        assertThat(read).isEqualTo(recorded(CLIENT1_TRANS1, 1, "100", USA));
        assertThat(((InvoiceEvent.TransactionRecorded) read).opensInvoice()).isFalse();
    }

    @Test
    void the_shard_checkpoint_token_has_a_pinned_json_form() throws Exception {
        ShardCheckpoint checkpoint = new ShardCheckpoint("000000000000000000042", true);
        SerializedObject<String> stored = serializer.serialize(checkpoint, String.class);
        Approvals.verify("tokens/ShardCheckpoint.json", pretty.writeValueAsString(pretty.readTree(stored.getData())) + "\n");
        assertThat((Object) serializer.deserialize(stored)).isEqualTo(checkpoint);
    }

    @Test
    void document_numbers_stay_exact_decimals() throws Exception {
        var document = new JacksonDocumentParser().parseObject("{\"price\":0.1000000000000000055511151231257827,"
                + "\"count\":12345678901234567890}");
        String json = InvoiceJson.objectMapper().writeValueAsString(new io.invoicestreams.domain.InvoiceDocument(document));
        assertThat(json).isEqualTo("{\"price\":0.1000000000000000055511151231257827,\"count\":12345678901234567890}");
    }
}
