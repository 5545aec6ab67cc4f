package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * With tracing on, the service on its embedded parts (DynamoDB Local and its stream, H2, Lucene) gives a table change
 * one trace: the stream batch that ingested it, the span of its record under it, and under that span each read
 * model's write of its event, on the processors' own threads. The spans go to an in-memory exporter.
 */
@QuarkusTest
@TestProfile(TraceIT.Traced.class)
class TraceIT {

    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("stream.event_id");
    private static final AttributeKey<String> INVOICE = AttributeKey.stringKey("invoice.number");

    @Inject
    InMemorySpanExporter spans;

    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    @Inject
    io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable table;

    @Inject
    io.invoicestreams.adapters.eventstore.InvoiceEventStore store;

    private Optional<SpanData> span(String name, String invoice) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name) && invoice.equals(s.getAttributes().get(INVOICE))).findFirst();
    }

    @Test
    void a_table_change_is_one_trace_from_its_stream_batch_to_each_read_models_write() {
        String invoice = "9100001";
        long head = store.headIndex();
        Api.put(dynamoDb, table, invoice, "T1", "$12", "USA");
        await().atMost(Duration.ofSeconds(20)).until(() -> span("write totals", invoice).isPresent()
                && span("write search", invoice).isPresent() && span("write audit-archive", invoice).isPresent());

        SpanData record = span("store stream record", invoice).orElseThrow();
        SpanData batch = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(record.getParentSpanId())).findFirst().orElseThrow();
        assertThat(batch.getName()).isEqualTo("ingest stream batch");
        assertThat(batch.getParentSpanContext().isValid()).as("the batch is the root of its trace").isFalse();
        assertThat(batch.getAttributes().get(AttributeKey.stringKey("stream.shard_id"))).startsWith("shardId-");

        // The stored event names the record that its span stands for.
        var stored = store.readAfter(head).stream().filter(e -> e.getPayload()
                instanceof io.invoicestreams.domain.invoice.InvoiceEvent ie && ie.invoiceNumber().value()
                .equals(invoice)).findFirst().orElseThrow();
        var event = (io.invoicestreams.domain.invoice.InvoiceEvent) stored.getPayload();
        assertThat(record.getAttributes().get(EVENT_ID)).isEqualTo(event.change().eventId());
        assertThat((String) stored.getMetaData().get("traceparent")).as("the record's span context travels with the event")
                .startsWith("00-" + record.getTraceId() + "-" + record.getSpanId() + "-");

        for (String readModel : List.of("totals", "search", "audit-archive")) {
            SpanData write = span("write " + readModel, invoice).orElseThrow();
            assertThat(write.getTraceId()).as(readModel + " in the batch's trace").isEqualTo(batch.getTraceId());
            assertThat(write.getParentSpanId()).as(readModel + " under the record").isEqualTo(record.getSpanId());
            assertThat(write.getAttributes().get(EVENT_ID)).isEqualTo(event.change().eventId());
            assertThat(write.getStartEpochNanos()).as(readModel + " wrote after the record was stored")
                    .isGreaterThanOrEqualTo(record.getStartEpochNanos());
        }
    }
}
