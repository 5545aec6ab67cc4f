package io.invoicestreams.adapters.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.adapters.dynamodb.DynamoDbCountryVerificationStore;
import io.invoicestreams.adapters.dynamodb.DynamoDbStreamConsumer;
import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.invoicestreams.adapters.dynamodb.StreamIngestion;
import io.invoicestreams.adapters.dynamodb.StreamMetrics;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.AssignCountryVerifier;
import io.invoicestreams.domain.invoice.RemoveCountryVerifier;
import io.invoicestreams.projections.countryverification.CountryVerificationProjection;
import io.invoicestreams.projections.countryverification.VerificationMetrics;
import io.invoicestreams.projections.totals.TotalsProjection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The read models end to end on real parts: 10,000 random inserts, updates and deletes in DynamoDB Local go
 * through its stream into the event store, and from there into InvoiceTotal and InvoiceAction. The totals must
 * equal the base table's sums, the counts the verified open transactions; then both are rebuilt from the store
 * and must come out equal to what was built live.
 */
class ReadModelsEndToEndIT {

    private static final Currency USD = Currency.getInstance("USD");
    private static final String[] COUNTRIES = {"USA", "UK", "China", "France"};

    private final DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();

    @Test
    void live_read_models_match_the_table_and_a_rebuild_reproduces_them() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String base = "InvoiceTransactions_" + suffix;
        new InvoiceTransactionsTable(dynamoDb, base).createIfMissing(Duration.ofSeconds(30));
        DynamoDbTotalsStore totals = new DynamoDbTotalsStore(dynamoDb, "InvoiceTotal_" + suffix, USD, 8);
        totals.createTableIfMissing(Duration.ofSeconds(30));
        DynamoDbCountryVerificationStore counts = new DynamoDbCountryVerificationStore(dynamoDb, "InvoiceAction_" + suffix);
        counts.createTableIfMissing(Duration.ofSeconds(30));
        JdbcTransactions db = TestDatabases.H2.fresh();
        var projections = ProjectionProcessors.register(List.of(
                new ProjectionProcessors.Projection(TotalsProjection.NAME, new TotalsProjection(totals, true)),
                new ProjectionProcessors.Projection(CountryVerificationProjection.NAME,
                        new CountryVerificationProjection(counts, VerificationMetrics.NONE))),
                new ProjectionProcessors.Settings(200, 4, Duration.ofMillis(500)));

        try (InvoiceEventStore store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                projections);
             DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb,
                     LocalDynamoDb.clients().streams(), base, USD, StreamMetrics.NONE, FAST, Clock.systemUTC())) {
            consumer.start();
            Map<String, String> verifiers = randomHistory(new InvoiceItems(dynamoDb, base), store, 10_000);
            waitForStream(store);
            ProjectionControl control = new ProjectionControl(store);
            for (String name : control.names()) {
                assertThat(control.awaitCaughtUp(name, Duration.ofSeconds(120), Duration.ofSeconds(1), p -> { }))
                        .as(name + " catches up").isTrue();
            }

            Map<String, List<String[]>> table = baseTable(base);
            assertThat(store.headIndex()).isGreaterThan(9_000);
            assertThat(sums(totals.tableName(), table.keySet())).isEqualTo(expectedTotals(table));
            assertThat(countsTable(counts.tableName())).isEqualTo(expectedCounts(table, verifiers));
            Map<String, String> liveTotals = totalsTable(totals.tableName());
            Map<String, String> liveCounts = countsTable(counts.tableName());

            for (String name : control.names()) {
                control.startRebuild(name);
            }
            assertThat(control.status()).anySatisfy(s -> assertThat(s.replaying()).isTrue());
            for (String name : control.names()) {
                assertThat(control.awaitCaughtUp(name, Duration.ofSeconds(300), Duration.ofSeconds(1), p -> { }))
                        .as(name + " rebuilt").isTrue();
            }
            assertThat(totalsTable(totals.tableName())).isEqualTo(liveTotals);
            assertThat(countsTable(counts.tableName())).isEqualTo(liveCounts);
            assertThat(control.status()).isNotEmpty().allSatisfy(s -> {
                assertThat(s.replaying()).isFalse();
                assertThat(s.lag()).isZero();
                assertThat(s.segments()).hasSize(4).allSatisfy(seg -> assertThat(seg.owner()).isEqualTo("node-a"));
            });
        } finally {
            totals.close();
        }
    }

    @Test
    void a_rebuild_is_refused_while_another_node_holds_segments() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        DynamoDbTotalsStore totals = new DynamoDbTotalsStore(dynamoDb, "InvoiceTotal_" + UUID.randomUUID(), USD, 1);
        totals.createTableIfMissing(Duration.ofSeconds(30));
        var settings = new ProjectionProcessors.Settings(10, 2, Duration.ofMillis(200));
        try (InvoiceEventStore a = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(30), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(TotalsProjection.NAME,
                        new TotalsProjection(totals, true))), settings))) {
            ProjectionControl onA = new ProjectionControl(a);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    onA.status(TotalsProjection.NAME).segments().stream().filter(s -> "node-a".equals(s.owner()))
                            .count() == 2);
            try (InvoiceEventStore b = InvoiceEventStore.start(db, "node-b", Duration.ofSeconds(30),
                    Clock.systemUTC(), ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(
                            TotalsProjection.NAME, new TotalsProjection(totals, true))), settings))) {
                assertThatThrownBy(() -> new ProjectionControl(b).startRebuild(TotalsProjection.NAME))
                        .isInstanceOf(ProjectionControl.RebuildRefused.class)
                        .hasMessageContaining("claimed by another node (node-a)");
                assertThatThrownBy(() -> new ProjectionControl(b).startRebuild("nope"))
                        .hasMessageContaining("no read model named 'nope'");
            }
        } finally {
            totals.close();
        }
    }

    static final DynamoDbStreamConsumer.Settings FAST = new DynamoDbStreamConsumer.Settings(1000,
            Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(500), 4,
            Duration.ofSeconds(1));

    /**
     * Random inserts, amount and country updates and deletes over 300 invoices, with verifiers assigned and
     * removed along the way; returns the verifier of each "invoice/country" at the end.
     */
    private static Map<String, String> randomHistory(InvoiceItems items, InvoiceEventStore store, int changes) {
        Random random = new Random(42);
        Map<String, String[]> open = new HashMap<>();
        Map<String, String> verifiers = new TreeMap<>();
        for (int i = 0; i < changes; i++) {
            String invoice = "INV" + random.nextInt(300);
            String transaction = "T" + random.nextInt(12);
            String key = invoice + "/" + transaction;
            String[] row = open.get(key);
            if (row == null) {
                String[] fresh = {amount(random), COUNTRIES[random.nextInt(COUNTRIES.length)]};
                items.put(invoice, transaction, fresh[0], fresh[1], "06062016");
                open.put(key, fresh);
            } else if (random.nextInt(3) == 0) {
                items.delete(invoice, transaction);
                open.remove(key);
            } else if (random.nextBoolean()) {
                row[0] = amount(random);
                items.setAmount(invoice, transaction, row[0]);
            } else {
                row[1] = COUNTRIES[random.nextInt(COUNTRIES.length)];
                items.put(invoice, transaction, row[0], row[1], "06062016");
            }
            if (i % 50 == 0) {
                String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
                InvoiceNumber number = new InvoiceNumber("INV" + random.nextInt(300));
                if (random.nextInt(5) == 0) {
                    try {
                        store.commandGateway().sendAndWait(new RemoveCountryVerifier(number, new CountryCode(country),
                                Instant.now()));
                    } catch (AggregateNotFoundException unknownInvoice) {
                        // nothing happened on that invoice yet
                    }
                    verifiers.remove(number.value() + "/" + country);
                } else {
                    String verifier = "v" + random.nextInt(3) + "@com";
                    store.commandGateway().sendAndWait(new AssignCountryVerifier(number, new CountryCode(country),
                            new Verifier(verifier), Instant.now()));
                    verifiers.put(number.value() + "/" + country, verifier);
                }
            }
        }
        return verifiers;
    }

    private static String amount(Random random) {
        return random.nextInt(10) == 0 ? "$0" : "$" + random.nextInt(2000) + "." + random.nextInt(10) + random.nextInt(10);
    }

    /** Waits until the stream is read to its end: the store's head has not moved for three seconds. */
    private static void waitForStream(InvoiceEventStore store) {
        long[] last = {-2};
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(3))
                .until(() -> {
                    long head = store.headIndex();
                    boolean still = head == last[0];
                    last[0] = head;
                    return still;
                });
    }

    /** invoice → rows of [transaction, amount, country]. */
    private Map<String, List<String[]>> baseTable(String table) {
        Map<String, List<String[]>> rows = new TreeMap<>();
        dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item ->
                rows.computeIfAbsent(item.get("InvoiceNumber").s(), k -> new ArrayList<>()).add(new String[]{
                        item.get("TransactionIdentifier").s(), item.get("Amount").s(), item.get("Trans_country").s()}));
        return rows;
    }

    private static Map<String, String> expectedTotals(Map<String, List<String[]>> table) {
        Map<String, String> totals = new TreeMap<>();
        table.forEach((invoice, rows) -> totals.put(invoice, rows.stream()
                .map(r -> Money.parse(r[1], USD)).reduce(Money.zero(USD), Money::plus).amount().stripTrailingZeros()
                .toPlainString()));
        return totals;
    }

    /** Invoice → total, for the invoices of the base table and any other whose total is not zero. */
    private Map<String, String> sums(String table, java.util.Set<String> invoices) {
        Map<String, String> sums = new TreeMap<>();
        totalsTable(table).forEach((invoice, row) -> {
            String total = row.substring(0, row.indexOf('@'));
            if (invoices.contains(invoice) || !total.equals("0")) {
                sums.put(invoice, total);
            }
        });
        return sums;
    }

    /** Invoice → "total@Last_seq@Update_date". */
    private Map<String, String> totalsTable(String table) {
        Map<String, String> totals = new TreeMap<>();
        dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> {
            String total = new java.math.BigDecimal(item.get("Total").n()).stripTrailingZeros().toPlainString();
            totals.put(item.get("InvoiceNumber").s(), total + "@" + item.get("Last_seq").n() + "@"
                    + item.get("Update_date").s());
        });
        return totals;
    }

    private static Map<String, String> expectedCounts(Map<String, List<String[]>> table, Map<String, String> verifiers) {
        Map<String, String> counts = new TreeMap<>();
        verifiers.forEach((pair, verifier) -> {
            String invoice = pair.substring(0, pair.indexOf('/'));
            String country = pair.substring(pair.indexOf('/') + 1);
            long n = table.getOrDefault(invoice, List.of()).stream().filter(r -> r[2].equals(country)).count();
            counts.put(pair, verifier + " " + n);
        });
        return counts;
    }

    /** "invoice/country" → "verifier count", for rows that have a verifier. */
    private Map<String, String> countsTable(String table) {
        return dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
                .filter(item -> item.containsKey("Verify_action"))
                .collect(Collectors.toMap(item -> item.get("InvoiceNumber").s() + "/" + item.get("Trans_country").s(),
                        item -> item.get("Verify_action").s() + " " + item.get("Total_trans").n(),
                        (a, b) -> a, TreeMap::new));
    }
}
