package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.json.InvoiceJson;
import io.invoicestreams.adapters.json.JacksonDocumentParser;
import io.invoicestreams.adapters.support.Approvals;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.change.CurrentItemReader;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recorded DynamoDB Streams records (the JSON a Lambda receives) go through the real decode-and-ingest path into an
 * event store; the events stored (id, type, payload) and the parked reasons are pinned as approval files.
 */
class StreamRecordFixtureTest {

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParameterizedTest
    @ValueSource(strings = {"seed-new-and-old-images", "ttl-and-bad-records"})
    void recorded_stream_records_map_to_pinned_domain_events(String fixture) throws Exception {
        JsonNode records;
        try (InputStream in = getClass().getResourceAsStream("/stream-records/" + fixture + ".json")) {
            records = mapper.readTree(in).get("Records");
        }
        JdbcTransactions db = TestDatabases.H2.fresh();
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "fixture", Duration.ofSeconds(5),
                Clock.systemUTC(), c -> { })) {
            ShardLeases leases = new ShardLeases(store.tokenStore(), db);
            String lease = ShardLeases.leaseName("arn:aws:dynamodb:us-east-1:1:table/InvoiceTransactions/stream/x",
                    "shardId-1");
            leases.claim(lease).orElseThrow();
            StreamRecordDecoder decoder = new StreamRecordDecoder(new ChangeTranslator(Currency.getInstance("USD"),
                    new JacksonDocumentParser(), CurrentItemReader.NONE));
            List<StreamRecordDecoder.Decoded> batch = new ArrayList<>();
            records.forEach(r -> batch.add(decoder.decode("shardId-1", StreamRecordJson.fromJson(r))));
            new StreamBatchIngestor(db, store.invoiceChanges(), store.parkedRecords(), leases, StreamMetrics.NONE, store::forgetCachedAggregates)
                    .ingest(lease, batch, new ShardCheckpoint(batch.getLast().sequenceNumber(), false));

            ObjectNode out = mapper.createObjectNode();
            ArrayNode events = out.putArray("events");
            ObjectMapper domain = InvoiceJson.objectMapper();
            for (TrackedEventMessage<?> e : store.readAll()) {
                ObjectNode event = events.addObject();
                event.put("id", e.getIdentifier());
                event.put("type", e.getPayloadType().getSimpleName());
                event.set("payload", domain.valueToTree(e.getPayload()));
            }
            ArrayNode parked = out.putArray("parked");
            store.parkedRecords().list(0, 100).forEach(p -> parked.addObject().put("eventID", p.eventId())
                    .put("reason", p.reason()));
            Approvals.verify("stream-records/" + fixture + ".events.json", mapper.writeValueAsString(out) + "\n");

            // The raw content kept for a parked record is the record as it came, field for field.
            store.parkedRecords().list(0, 100).forEach(p -> records.forEach(r -> {
                if (r.get("eventID").asText().equals(p.eventId())) {
                    assertThat(readTree(p.rawRecord())).isEqualTo(r);
                }
            }));
        }
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
