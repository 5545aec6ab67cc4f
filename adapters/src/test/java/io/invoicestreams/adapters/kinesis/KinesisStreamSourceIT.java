package io.invoicestreams.adapters.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.invoicestreams.adapters.dynamodb.StreamIngestion;
import io.invoicestreams.adapters.dynamodb.StreamMetrics;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.support.EventTotals;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.LocalKinesis;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The Kinesis Data Streams source through KCL 3, against kinesalite (KCL's leases in DynamoDB Local). The records
 * are those DynamoDB writes to a Kinesis stream: its JSON change records, with no sequence number of their own.
 * Kinesis may deliver one twice and out of order, so the test puts duplicates, a deletion before its insert, a
 * late change and an unreadable record among the changes, and stops the source and starts another on the same KCL
 * application in between.
 */
class KinesisStreamSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String stream = "changes-" + run;
    private final KinesisClient kinesis = LocalKinesis.client();
    private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    private final List<KinesisStreamSource> sources = new ArrayList<>();

    @AfterEach
    void stop() {
        sources.forEach(KinesisStreamSource::close);
        kinesis.close();
    }

    private KinesisStreamSource start(InvoiceEventStore store) {
        KinesisStreamSource source = KinesisStreamSource.on(store, LocalDynamoDb.clients().dynamoDb(), "unused",
                java.util.Currency.getInstance("USD"), StreamMetrics.NONE,
                new KinesisStreamSource.Settings(stream, "invoice-streams-" + run, "worker-" + sources.size(),
                        Optional.of(LocalKinesis.endpoint()), LocalDynamoDb.clients().endpoint(), Optional.empty(),
                        Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(2),
                        io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL,
                        io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL),
                Clock.systemUTC());
        sources.add(source);
        source.start();
        return source;
    }

    /** A change record as DynamoDB writes it to Kinesis. */
    private String change(String eventName, String invoice, String transaction, String oldAmount, String newAmount,
                          long millisAfterStart) {
        ObjectNode root = JSON.createObjectNode();
        root.put("awsRegion", "us-east-1");
        root.put("eventID", UUID.randomUUID().toString());
        root.put("eventName", eventName);
        root.putNull("userIdentity");
        root.put("recordFormat", "application/json");
        root.put("tableName", "InvoiceTransactions");
        root.put("eventSource", "aws:dynamodb");
        ObjectNode d = root.putObject("dynamodb");
        d.put("ApproximateCreationDateTime", t0.toEpochMilli() + millisAfterStart);
        d.put("ApproximateCreationDateTimePrecision", "MILLISECOND");
        ObjectNode keys = d.putObject("Keys");
        keys.putObject("InvoiceNumber").put("S", invoice);
        keys.putObject("TransactionIdentifier").put("S", transaction);
        if (oldAmount != null) {
            image(d.putObject("OldImage"), invoice, transaction, oldAmount);
        }
        if (newAmount != null) {
            image(d.putObject("NewImage"), invoice, transaction, newAmount);
        }
        d.put("SizeBytes", 120);
        return root.toString();
    }

    private static void image(ObjectNode image, String invoice, String transaction, String amount) {
        image.putObject("InvoiceNumber").put("S", invoice);
        image.putObject("TransactionIdentifier").put("S", transaction);
        image.putObject("Amount").put("S", amount);
        image.putObject("Trans_country").put("S", "USA");
    }

    private void put(String partitionKey, String data) {
        kinesis.putRecord(b -> b.streamName(stream).partitionKey(partitionKey).data(SdkBytes.fromUtf8String(data)));
    }

    private static List<InvoiceEvent> events(InvoiceEventStore store) {
        return EventTotals.events(store);
    }

    private static Map<String, BigDecimal> totals(InvoiceEventStore store) {
        return EventTotals.of(store);
    }

    @Test
    void changes_on_kinesis_become_events_once_in_item_order_through_duplicates_stale_records_and_a_restart() {
        kinesis.createStream(b -> b.streamName(stream).shardCount(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);

        for (int i = 0; i < 10; i++) {
            String invoice = Integer.toString(9_000_000 + i);
            for (int t = 0; t < 3; t++) {
                put(invoice, change("INSERT", invoice, "T" + t, null, "$10", 10L * i + t));
            }
        }
        String correction = change("MODIFY", "9000000", "T0", "$10", "$15", 1_000);
        put("9000000", correction);
        put("9000000", correction); // Kinesis delivers it twice
        put("9000000", change("MODIFY", "9000000", "T1", "$10", "$12", 1_200));
        put("9000001", change("REMOVE", "9000001", "T2", "$10", null, 1_100));
        // Out of order within a batch: the deletion before the insert it follows. Applied by creation time, the
        // item is recorded, then removed; in arrival order the deletion would be parked and the item stay.
        put("9000004", change("REMOVE", "9000004", "R", "$10", null, 1_501));
        put("9000004", change("INSERT", "9000004", "R", null, "$10", 1_500));
        put("9000009", "not a change record");

        try (InvoiceEventStore store = InvoiceEventStore.start(TestDatabases.H2.fresh(), "kinesis",
                Duration.ofSeconds(5), Clock.systemUTC(), c -> { })) {
            Instant started = Instant.now();
            KinesisStreamSource first = start(store);
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !events(store).isEmpty());
            Duration toFirstEvent = Duration.between(started, Instant.now());
            await().atMost(Duration.ofSeconds(60)).until(() -> events(store).size() == 35);
            assertThat(first.status().ownedShards()).isEqualTo(2);
            assertThat(first.status().failingSince()).isEmpty();
            assertThat(store.parkedRecords().list(0, 10)).singleElement().satisfies(p -> {
                assertThat(p.reason()).contains("is not a DynamoDB change record");
                assertThat(p.rawRecord()).contains("not a change record");
            });

            // A later source on the same KCL application goes on from the checkpoints: a record already stored
            // and delivered again changes nothing, a record older than its item's last change (late, in a later
            // batch) is skipped, and a new change applies.
            first.close();
            put("9000000", correction);
            put("9000000", change("MODIFY", "9000000", "T1", "$10", "$99", 500));
            put("9000002", change("MODIFY", "9000002", "T0", "$10", "$20", 2_000));
            start(store);
            await().atMost(Duration.ofSeconds(180)).until(() -> events(store).size() == 36);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> events(store).size() == 36);

            assertThat(events(store)).filteredOn(e -> e.transactionId().value().equals("R"))
                    .extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("TransactionRecorded", "TransactionRemoved");
            assertThat(totals(store)).containsEntry("9000000", new BigDecimal("37"))
                    .containsEntry("9000001", new BigDecimal("20")).containsEntry("9000002", new BigDecimal("40"))
                    .containsEntry("9000004", new BigDecimal("30")).containsEntry("9000005", new BigDecimal("30"))
                    .hasSize(10);
            assertThat(events(store)).filteredOn(e -> e instanceof InvoiceEvent.TransactionRecorded r
                    && r.opensInvoice()).hasSize(10);
            assertThat(store.parkedRecords().count()).isEqualTo(1);
            System.out.printf("RELIABILITY kinesis: first event %d ms after KCL started; 36 events from 40 records"
                    + " (2 duplicates, 1 late, 1 unreadable parked; 1 deletion before its insert)%n",
                    toFirstEvent.toMillis());
        }
    }
}
