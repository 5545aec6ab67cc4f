package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.FaultHttpProxy;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.totals.TotalsProjection;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB throttling (issue 18), which DynamoDB Local never does: a proxy in front of it answers the chosen
 * operation with DynamoDB's own throttling errors for a while. The service must back off, park nothing, lose
 * nothing, and catch up once the throttling ends.
 */
class ThrottlingIT {

    private static final Currency USD = Currency.getInstance("USD");
    private static final String UPDATE_ITEM = "DynamoDB_20120810.UpdateItem";
    private static final String GET_RECORDS = "DynamoDBStreams_20120810.GetRecords";

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final DynamoDbClients local = LocalDynamoDb.clients();

    @Test
    void throttled_read_model_writes_back_off_park_nothing_and_every_total_is_right_after() throws Exception {
        JdbcTransactions db = TestDatabases.H2.fresh();
        try (FaultHttpProxy proxy = FaultHttpProxy.to(local.endpoint().orElseThrow());
             // Two attempts, not DynamoDB's default of up to nine with throttling backoff to 20 s: the service's own
             // handling meets the throttling errors here, where the SDK's would absorb a short throttle and turn a
             // long one into a call timeout after 60 s (both transient, neither parked).
             DynamoDbClient throughProxy = DynamoDbClient.builder()
                     .endpointOverride(proxy.endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                     .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                             software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                     .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                     .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy
                             .standardRetryStrategy().toBuilder().maxAttempts(2).build()))
                     .build();
             DynamoDbTotalsStore totals = new DynamoDbTotalsStore(throughProxy, "Throttled-" + run, USD, 4)) {
            totals.createTableIfMissing(Duration.ofSeconds(30));
            try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5),
                    Clock.systemUTC(), ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(
                                    TotalsProjection.NAME, new TotalsProjection(totals, true), false, true)),
                            new ProjectionProcessors.Settings(100, 2, Duration.ofMillis(100)), db))) {
                EventHistory history = new EventHistory();
                Map<String, BigDecimal> expected = new LinkedHashMap<>();
                for (int i = 0; i < 40; i++) {
                    String invoice = Integer.toString(3_100_000 + i);
                    for (int t = 1; t <= 3; t++) {
                        history.recorded(invoice, "T" + t, "$" + (i + t), "USA");
                    }
                    expected.put(invoice, BigDecimal.valueOf(3L * i + 6).setScale(2));
                }
                proxy.fail(UPDATE_ITEM, new FaultHttpProxy.Fault(400, "ProvisionedThroughputExceededException",
                        "The level of configured provisioned throughput for the table was exceeded."));
                db.executeInTransaction(() -> store.configuration().eventStore().publish(history.messages()));
                ProjectionControl control = new ProjectionControl(store);

                // Long enough for the processor's retries of the batch and then of single events (BatchedWrites):
                // each of them meets the throttling, and none may park an event.
                await().atMost(Duration.ofSeconds(60)).until(() -> proxy.injected(UPDATE_ITEM) >= 10);
                proxy.fail(UPDATE_ITEM, new FaultHttpProxy.Fault(400, "ThrottlingException", "Rate of requests"
                        + " exceeds the allowed throughput."));
                await().atMost(Duration.ofSeconds(90)).until(() -> proxy.injected(UPDATE_ITEM) >= 20);
                assertThat(control.status(TotalsProjection.NAME).position())
                        .as("behind while throttled").isLessThan(store.headIndex());
                DeadLetters.Queues deadLetters = new DeadLetters.Queues(store, List.of(TotalsProjection.NAME),
                        Clock.systemUTC(), new DeadLetters.Backoff(Duration.ofMinutes(10), Duration.ofMinutes(10)));
                assertThat(deadLetters.size(TotalsProjection.NAME)).as("throttling parks nothing").isZero();

                Instant healed = Instant.now();
                proxy.heal(UPDATE_ITEM);
                assertThat(control.awaitCaughtUp(TotalsProjection.NAME, Duration.ofSeconds(120),
                        Duration.ofMillis(50), p -> { })).isTrue();
                Duration recovery = Duration.between(healed, Instant.now());

                assertThat(expected).hasSize(40);
                expected.forEach((invoice, sum) -> assertThat(totals.find(new InvoiceNumber(invoice))
                        .map(v -> v.totals().getFirst().amount()).orElse(null)).as(invoice).isEqualTo(sum));
                assertThat(deadLetters.size(TotalsProjection.NAME)).isZero();
                System.out.printf("RELIABILITY throttled writes: %d UpdateItem answered with throttling errors;"
                                + " 0 parked; caught up %d ms after the throttling ended; 40 of 40 totals right%n",
                        proxy.injected(UPDATE_ITEM), recovery.toMillis());
            }
        }
    }

    @Test
    void throttled_get_records_backs_off_and_every_change_is_stored_once_after() throws Exception {
        String table = "Throttled_" + run;
        DynamoDbClient dynamoDb = local.dynamoDb();
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InvoiceItems items = new InvoiceItems(dynamoDb, table);
        JdbcTransactions db = TestDatabases.H2.fresh();
        try (FaultHttpProxy proxy = FaultHttpProxy.to(local.endpoint().orElseThrow());
             DynamoDbStreamsClient streams = DynamoDbClients.local(proxy.endpoint()).streams();
             InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5),
                     Clock.systemUTC(), c -> { });
             DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams, table, USD,
                     StreamMetrics.NONE, StreamIngestionIT.FAST, Clock.systemUTC())) {
            proxy.fail(GET_RECORDS, new FaultHttpProxy.Fault(400, "LimitExceededException",
                    "Rate exceeded for shard"));
            consumer.start();
            for (int i = 0; i < 50; i++) {
                items.put(Integer.toString(3_200_000 + i % 10), "T" + i, "$" + (i + 1), "USA", null);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.injected(GET_RECORDS) >= 5);
            assertThat(store.headIndex()).as("nothing read while every GetRecords is throttled").isEqualTo(-1);
            assertThat(consumer.status().failingSince()).as("the source says it is failing").isPresent();

            Instant healed = Instant.now();
            proxy.heal(GET_RECORDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> store.readAll().size() == 50);
            Duration recovery = Duration.between(healed, Instant.now());
            // Nothing more arrives: every change once.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> store.readAll().size() == 50);
            assertThat(store.parkedRecords().count()).isZero();
            assertThat(store.readAll()).extracting(m -> ((io.invoicestreams.domain.invoice.InvoiceEvent)
                    m.getPayload()).transactionId().value()).doesNotHaveDuplicates().hasSize(50);
            System.out.printf("RELIABILITY throttled GetRecords: %d GetRecords answered LimitExceededException;"
                            + " all 50 changes stored once %d ms after the throttling ended%n",
                    proxy.injected(GET_RECORDS), recovery.toMillis());
        } finally {
            dynamoDb.close();
        }
    }
}
