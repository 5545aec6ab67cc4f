package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.json.JacksonDocumentParser;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.change.CurrentItemReader;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Parked stream records re-driven after a fix (issue 18): two records are parked by a version whose document parser
 * fails on everything; the fixed version turns the one it can into its event and parks the other again with
 * today's reason, and nothing is lost or doubled on the way.
 */
class ParkedRedriveTest {

    private static Record insert(String id, long sequence, String transaction, String amount) {
        Map<String, AttributeValue> keys = Map.of("InvoiceNumber", AttributeValue.fromS("7400001"),
                "TransactionIdentifier", AttributeValue.fromS(transaction));
        Map<String, AttributeValue> item = new LinkedHashMap<>(keys);
        item.put("Amount", AttributeValue.fromS(amount));
        item.put("Trans_country", AttributeValue.fromS("USA"));
        item.put("InvoiceDoc", AttributeValue.fromS("{\"Vendor Name\":\"Lamps Inc\"}"));
        return Record.builder().eventID(id).eventName(OperationType.INSERT)
                .dynamodb(StreamRecord.builder().keys(keys).newImage(item)
                        .sequenceNumber(String.format("%021d", sequence))
                        .approximateCreationDateTime(Instant.parse("2026-12-07T10:00:00Z").plusSeconds(sequence))
                        .build())
                .build();
    }

    private static StreamRecordDecoder decoder(io.invoicestreams.domain.change.DocumentParser parser) {
        return new StreamRecordDecoder(new ChangeTranslator(Currency.getInstance("USD"), parser,
                CurrentItemReader.NONE));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_record_parked_by_a_bug_becomes_its_event_after_the_fix_and_one_that_still_fails_stays_parked(
            TestDatabases database) {
        JdbcTransactions db = database.fresh();
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "redrive", Duration.ofSeconds(5),
                Clock.systemUTC(), c -> { })) {
            ShardLeases leases = new ShardLeases(store.tokenStore(), db);
            StreamBatchIngestor ingestor = new StreamBatchIngestor(db, store.invoiceChanges(), store.parkedRecords(),
                    leases, StreamMetrics.NONE, store::forgetCachedAggregates);
            StreamRecordDecoder broken = decoder(json -> {
                throw new IllegalArgumentException("the document parser of version 1 fails on every document");
            });
            Record good = insert("e-1", 1, "T-1", "$40");
            Record bad = insert("e-2", 2, "T-2", "abc");
            ingestor.ingestWithoutCheckpoint(List.of(broken.decode("shardId-1", good), broken.decode("shardId-1", bad)));
            assertThat(store.parkedRecords().count()).isEqualTo(2);
            assertThat(store.headIndex()).as("no event yet").isEqualTo(-1);

            ParkedRedrive redrive = new ParkedRedrive(store.parkedRecords(), decoder(new JacksonDocumentParser()),
                    ingestor, db);
            assertThat(redrive.redrive("e-1")).hasValueSatisfying(o -> {
                assertThat(o.outcome()).isEqualTo("applied");
                assertThat(o.events()).isEqualTo(1);
            });
            assertThat(store.readAfter(-1)).singleElement().satisfies(m -> assertThat(m.getPayload())
                    .isInstanceOfSatisfying(InvoiceEvent.TransactionRecorded.class, r -> {
                        assertThat(r.amount()).hasToString("40.00 USD");
                        assertThat(r.document().vendorName()).contains("Lamps Inc");
                    }));
            assertThat(store.parkedRecords().find("e-1")).isEmpty();

            assertThat(redrive.redrive("e-2")).hasValueSatisfying(o -> {
                assertThat(o.outcome()).isEqualTo("parked-again");
                assertThat(o.reason()).contains("abc");
            });
            assertThat(store.parkedRecords().find("e-2")).hasValueSatisfying(p -> {
                assertThat(p.reason()).contains("abc").doesNotContain("version 1");
                assertThat(p.rawRecord()).isEqualTo(StreamRecordJson.toJson(bad));
            });
            assertThat(redrive.redrive("no-such-record")).isEmpty();
            assertThat(redrive.redriveAll(100)).extracting(ParkedRedrive.Outcome::outcome)
                    .containsExactly("parked-again");

            // A record of T-1 older than the one applied, parked by version 1 and re-driven now, is stale.
            ingestor.ingestWithoutCheckpoint(List.of(broken.decode("shardId-1", insert("e-0", 0, "T-1", "$99"))));
            assertThat(redrive.redrive("e-0")).hasValueSatisfying(o -> {
                assertThat(o.outcome()).isEqualTo("skipped");
                assertThat(o.events()).isZero();
            });
            assertThat(store.parkedRecords().find("e-0")).isEmpty();

            // The same record delivered again by the stream is no second event.
            ingestor.ingestWithoutCheckpoint(List.of(decoder(new JacksonDocumentParser()).decode("shardId-1", good)));
            assertThat(store.readAfter(-1)).hasSize(1);

            assertThat(store.parkedRecords().delete("e-2")).isTrue();
            assertThat(store.parkedRecords().delete("e-2")).isFalse();
            assertThat(store.parkedRecords().count()).isZero();
        }
    }
}
