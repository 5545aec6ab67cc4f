package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.IngestProcess;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.SequenceNumber;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SIGKILL the ingesting process three times while 10,000 inserts, updates and deletes flow, restart it each time,
 * and check that the event store holds exactly one event per change: none lost, none twice, in order per item,
 * and amounts that add up to the table's.
 */
class CrashRecoveryIT {

    static final int CHANGES = 10_000;
    static final int WRITERS = 4;
    static final int[] KILL_AFTER = {2_000, 5_000, 8_000};

    @TempDir
    Path temp;

    /** One writer's plan: its own invoices, so each item's changes come from one thread, in order. */
    record Change(String invoice, String transaction, String amount, char kind) {
    }

    static List<Change> plan(int writer, int count, Random random) {
        List<Change> out = new ArrayList<>(count);
        List<String[]> live = new ArrayList<>();
        Map<String, Integer> version = new HashMap<>();
        int next = 0;
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            if (live.size() < 20 || roll < 55) {
                String invoice = "8" + writer + String.format("%04d", random.nextInt(150));
                String transaction = "W" + writer + "_T" + (next++);
                live.add(new String[]{invoice, transaction});
                out.add(new Change(invoice, transaction, "$" + (1 + random.nextInt(999)) + "." + random.nextInt(10)
                        + "0", 'I'));
            } else if (roll < 80) {
                String[] item = live.get(random.nextInt(live.size()));
                int v = version.merge(item[1], 1, Integer::sum);
                out.add(new Change(item[0], item[1], "$" + (1000 + v), 'U'));
            } else {
                String[] item = live.remove(random.nextInt(live.size()));
                out.add(new Change(item[0], item[1], null, 'D'));
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void sigkill_during_10000_changes_loses_nothing_and_duplicates_nothing(TestDatabases database) throws Exception {
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        URI endpoint = LocalDynamoDb.clients().endpoint().orElseThrow();
        String table = "Crash_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        String[] db = databaseUrl(database);
        Path log = temp.resolve("ingest.log");

        List<List<Change>> plans = new ArrayList<>();
        Random random = new Random(20161606);
        for (int w = 0; w < WRITERS; w++) {
            plans.add(plan(w, CHANGES / WRITERS, random));
        }
        AtomicInteger written = new AtomicInteger();
        Process process = IngestProcess.start(endpoint, table, db[0], db[1], log);
        int kills = 0;
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            InvoiceItems items = new InvoiceItems(dynamoDb, table);
            List<Future<?>> running = new ArrayList<>();
            for (List<Change> plan : plans) {
                running.add(writers.submit(() -> {
                    for (Change c : plan) {
                        switch (c.kind()) {
                            case 'I' -> items.put(c.invoice(), c.transaction(), c.amount(), "USA", "06062016");
                            case 'U' -> items.setAmount(c.invoice(), c.transaction(), c.amount());
                            default -> items.delete(c.invoice(), c.transaction());
                        }
                        written.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int killAt : KILL_AFTER) {
                await().atMost(Duration.ofMinutes(3)).until(() -> written.get() >= killAt);
                process.destroyForcibly().waitFor();
                kills++;
                process = IngestProcess.start(endpoint, table, db[0], db[1], log);
            }
            for (Future<?> f : running) {
                f.get();
            }
            JdbcTransactions reader = new JdbcTransactions(EventStoreDatabase.pool(db[0], db[1], "", 2));
            try (InvoiceEventStore store = InvoiceEventStore.start(reader, "reader", Duration.ofSeconds(2),
                    Clock.systemUTC(), c -> { })) {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> store.headIndex() >= 0 && store.readAll().size() >= CHANGES);
                // Then let it settle, and verify whatever is there: a surplus is reported event by event. The head
                // index is one query; reading all 10,000 events at every poll took longer than the wait on a
                // loaded CI machine.
                java.util.concurrent.atomic.AtomicLong lastHead = new java.util.concurrent.atomic.AtomicLong(-2);
                await().pollInterval(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60))
                        .until(() -> lastHead.getAndSet(store.headIndex()) == lastHead.get());
                verify(store.readAll(), dynamoDb, table, CHANGES);
                assertThat(store.parkedRecords().count()).isZero();
            }
        } finally {
            writers.shutdownNow();
            process.destroyForcibly().waitFor();
        }
        assertThat(kills).isEqualTo(KILL_AFTER.length);
        assertThat(Files.readString(log)).doesNotContain("Exception in thread \"main\"");
    }

    static void verify(List<TrackedEventMessage<?>> stored, DynamoDbClient dynamoDb, String table, int changes) {
        List<InvoiceEvent> events = stored.stream().map(e -> (InvoiceEvent) e.getPayload()).toList();
        Map<String, List<String>> byRecord = new HashMap<>();
        for (TrackedEventMessage<?> e : stored) {
            InvoiceEvent ie = (InvoiceEvent) e.getPayload();
            byRecord.computeIfAbsent(ie.change().eventId(), k -> new ArrayList<>()).add("#"
                    + e.trackingToken().position().orElse(-1) + " " + ie.getClass().getSimpleName() + " "
                    + ie.invoiceNumber() + "/" + ie.transactionId() + " seq " + ie.change().sequence()
                    + " aggregate seq " + ((org.axonframework.eventhandling.DomainEventMessage<?>) e).getSequenceNumber());
        }
        List<List<String>> repeated = byRecord.values().stream().filter(l -> l.size() > 1).limit(5).toList();
        assertThat(repeated).as("stream records with more than one event").isEmpty();
        assertThat(byRecord).as("one event per stream record").hasSize(changes);
        assertThat(stored).as("events in the store").hasSize(changes);

        Map<String, SequenceNumber> lastPerItem = new HashMap<>();
        Map<String, BigDecimal> totals = new HashMap<>();
        for (InvoiceEvent e : events) {
            String item = e.invoiceNumber() + "|" + e.transactionId();
            SequenceNumber previous = lastPerItem.put(item, e.change().sequence());
            assertThat(previous == null || e.change().sequence().isAfter(previous))
                    .as("stream order of %s", item).isTrue();
            BigDecimal delta = switch (e) {
                case InvoiceEvent.TransactionRecorded r -> r.amount().amount();
                case InvoiceEvent.TransactionAmountCorrected c -> c.correctedAmount().minus(c.previousAmount()).amount();
                case InvoiceEvent.TransactionRemoved r -> r.amount().amount().negate();
                case InvoiceEvent.TransactionExpired x -> x.amount().amount().negate();
                case InvoiceEvent.TransactionCountryChanged ignored -> BigDecimal.ZERO;
                case InvoiceEvent.TransactionInvoiceDateChanged ignored -> BigDecimal.ZERO;
                case InvoiceEvent.TransactionDocumentChanged ignored -> BigDecimal.ZERO;
            };
            totals.merge(e.invoiceNumber().value(), delta, BigDecimal::add);
        }
        Map<String, BigDecimal> tableTotals = new HashMap<>();
        dynamoDb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> tableTotals.merge(
                item.get("InvoiceNumber").s(),
                Money.parse(item.get("Amount").s(), java.util.Currency.getInstance("USD")).amount(), BigDecimal::add));
        assertThat(totals).as("invoices with events").isNotEmpty();
        assertThat(totals.keySet()).containsAll(tableTotals.keySet());
        totals.forEach((invoice, total) -> assertThat(total)
                .as("total of invoice %s", invoice)
                .isEqualByComparingTo(tableTotals.getOrDefault(invoice, BigDecimal.ZERO)));
        assertThat(tableTotals.keySet()).allMatch(totals::containsKey);
    }

    static String[] databaseUrl(TestDatabases database) throws Exception {
        String name = "crash" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        return switch (database) {
            // The embedded default's file URL, but with AUTO_SERVER so that the verifying test can read while the child
            // holds the file (H2 refuses AUTO_SERVER together with DB_CLOSE_ON_EXIT=FALSE).
            case H2 -> new String[]{EventStoreDatabase.h2FileUrl(Files.createTempDirectory(name))
                    .replace("DB_CLOSE_ON_EXIT=FALSE", "AUTO_SERVER=TRUE"), "sa"};
            case POSTGRESQL -> {
                try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL, TestDatabases.PG_USER, "");
                     Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + name);
                }
                yield new String[]{TestDatabases.PG_URL + "?currentSchema=" + name, TestDatabases.PG_USER};
            }
        };
    }
}
