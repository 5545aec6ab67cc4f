package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.notifications.EmbeddedSqs;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Crash anywhere: the packaged service, on PostgreSQL, is killed with SIGKILL ten times at random moments while
 * 20,000 random inserts, updates and deletes flow into the table. Its queues live in an ElasticMQ outside it. After
 * the last restart has caught up, each change is one event, the totals equal the table's sums, the search index holds
 * the table's live items, the archive holds each event once, each new invoice has one payment message and each zero
 * amount one alert; a rebuild of the DynamoDB read models and the search index while the service runs then gives
 * the same items.
 */
class CrashAnywhereIT {

    private static final int CHANGES = 20_000;
    private static final int KILLS = 10;
    private static final List<String> COUNTRIES = List.of("USA", "UK", "China", "India");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String table = "Crash_" + run;
    private final String schema = "crash_" + run.replace('-', '_');
    private final DynamoDbClients local = LocalDynamoDb.clients();
    private final DynamoDbClient users = local.dynamoDb();
    /** The writer's choices; the kill moments have a generator of their own, the two run on different threads. */
    private final Random random = new Random(run.hashCode());
    private EmbeddedSqs elasticMq;
    private SqsClient sqs;
    private ServiceProcess service;

    /** The table as the writer left it: invoice → transaction → (amount, country). */
    private final Map<String, Map<String, String[]>> items = new HashMap<>();
    private final Set<String> invoicesOpened = new HashSet<>();
    private int zeroAmounts;
    /** Changes written to the table so far; the writer thread counts, the test thread reads. */
    private volatile int changes;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
        users.close();
    }

    private void put(String invoice, String transaction, int amount, String country) {
        users.putItem(b -> b.tableName(table).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction),
                "Amount", AttributeValue.fromS("$" + amount),
                "Trans_country", AttributeValue.fromS(country))));
    }

    /** One random change that the service turns into exactly one event. */
    private void change() {
        String invoice = Integer.toString(6_000_000 + random.nextInt(1_500));
        Map<String, String[]> transactions = items.computeIfAbsent(invoice, k -> new TreeMap<>());
        int kind = random.nextInt(100);
        if (transactions.isEmpty() || kind < 55) {
            String transaction = "T" + changes;
            int amount = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(5_000);
            String country = COUNTRIES.get(random.nextInt(COUNTRIES.size()));
            put(invoice, transaction, amount, country);
            transactions.put(transaction, new String[] {Integer.toString(amount), country});
            invoicesOpened.add(invoice);
            zeroAmounts += amount == 0 ? 1 : 0;
        } else {
            List<String> ids = new ArrayList<>(transactions.keySet());
            String transaction = ids.get(random.nextInt(ids.size()));
            String[] item = transactions.get(transaction);
            if (kind < 80) { // the amount changes
                int amount;
                do {
                    amount = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(5_000);
                } while (amount == Integer.parseInt(item[0]));
                put(invoice, transaction, amount, item[1]);
                zeroAmounts += amount == 0 ? 1 : 0;
                item[0] = Integer.toString(amount);
            } else if (kind < 88) { // the country changes
                String country;
                do {
                    country = COUNTRIES.get(random.nextInt(COUNTRIES.size()));
                } while (country.equals(item[1]));
                put(invoice, transaction, Integer.parseInt(item[0]), country);
                item[1] = country;
            } else {
                users.deleteItem(b -> b.tableName(table).key(Map.of(
                        "InvoiceNumber", AttributeValue.fromS(invoice),
                        "TransactionIdentifier", AttributeValue.fromS(transaction))));
                transactions.remove(transaction);
            }
        }
        changes++;
    }

    private boolean projectionsCaughtUp() throws Exception {
        JsonNode status = ServiceChecks.JSON.readTree(service.get("/projections").body());
        for (JsonNode projection : status.get("projections")) {
            if (projection.get("lag").asLong() != 0 || projection.get("replaying").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** A scan of a read model's table, item by item, as text. */
    /**
     * The items of a read model, numbers compared as numbers: DynamoDB Local keeps the scale an {@code ADD} gave
     * ("7601.00") where a rebuild's put writes "7601"; DynamoDB itself stores both as the same number.
     */
    private Map<String, String> scan(String readModel) {
        Map<String, String> rows = new TreeMap<>();
        users.scanPaginator(b -> b.tableName(readModel).consistentRead(true)).items().forEach(item -> {
            Map<String, String> sorted = new TreeMap<>();
            item.forEach((k, v) -> sorted.put(k, v.ss().isEmpty() ? String.valueOf(v.s() != null ? v.s()
                    : new java.math.BigDecimal(v.n()).stripTrailingZeros().toPlainString())
                    : new TreeMap<>(Map.of("ss", new java.util.TreeSet<>(v.ss()))).toString()));
            rows.put(sorted.get("InvoiceNumber") + "|" + sorted.getOrDefault("Trans_country", ""), sorted.toString());
        });
        return rows;
    }

    /** The events of the stream's changes; the verifier assignments are events too, and are left out. */
    private long storedEvents() throws Exception {
        return ServiceChecks.storedEvents(schema, "%Transaction%");
    }

    @Test
    void ten_sigkills_during_twenty_thousand_changes_lose_nothing_and_double_nothing() throws Exception {
        ServiceChecks.createSchema(schema);
        elasticMq = EmbeddedSqs.start(0);
        sqs = DynamoDbClients.configure(SqsClient.builder(), Optional.of(elasticMq.endpoint()), Optional.empty(), io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
        Path data = Files.createTempDirectory("crash-" + run);
        Map<String, String> settings = ServiceChecks.withSharedQueues(ServiceChecks.settings(data, "Crash", run,
                local.endpoint().orElseThrow(), TestDatabases.PG_URL + "?currentSchema=" + schema),
                elasticMq.endpoint(), run);
        settings.put("invoice.node.claim-timeout", "3s");
        service = new ServiceProcess(settings, data.resolve("service.log")).start();

        // Verifiers for some invoices, so that the country counts have something to count.
        for (int i = 0; i < 20; i++) {
            change();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> storedEvents() == changes);
        final int verifierEvents = items.size(); // one CountryVerifierAssigned each
        for (String invoice : new ArrayList<>(items.keySet())) {
            assertThat(service.put("/invoices/" + invoice + "/countries/USA/verifier",
                    "{\"verifier\":\"v@example.com\"}").statusCode()).isEqualTo(200);
        }

        // Changes flow until every kill has happened, and at least CHANGES of them (at most 30,000).
        java.util.concurrent.atomic.AtomicBoolean killsDone = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (changes < CHANGES || (!killsDone.get() && changes < 30_000)) {
                change();
            }
        });
        List<Long> restarts = new ArrayList<>();
        int killsDuringWrites = 0;
        Random moments = new Random(run.hashCode() + 1);
        for (int kill = 0; kill < KILLS; kill++) {
            ServiceProcess.pause(Duration.ofMillis(500 + moments.nextInt(3_000)));
            // The kill lands while the service has work in hand: the table holds changes the store does not yet.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
                    .until(() -> storedEvents() < changes);
            killsDuringWrites += writer.isDone() ? 0 : 1;
            service.kill();
            Instant restart = Instant.now();
            service.start();
            restarts.add(Duration.between(restart, Instant.now()).toMillis());
        }
        killsDone.set(true);
        writer.get();
        assertThat(killsDuringWrites).as("every kill landed while changes flowed").isEqualTo(KILLS);
        Instant writesDone = Instant.now();

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> storedEvents() == changes && projectionsCaughtUp());
        Duration catchUp = Duration.between(writesDone, Instant.now());

        // Totals equal the table's sums, per invoice.
        Map<String, BigDecimal> sums = new TreeMap<>();
        items.forEach((invoice, transactions) -> sums.put(invoice, transactions.values().stream()
                .map(item -> new BigDecimal(item[0])).reduce(BigDecimal.ZERO, BigDecimal::add)));
        Map<String, BigDecimal> totals = new TreeMap<>();
        users.scanPaginator(b -> b.tableName("CrashTotal_" + run).consistentRead(true)).items().forEach(item ->
                totals.put(item.get("InvoiceNumber").s(), new BigDecimal(item.get("Total").n())));
        assertThat(sums).hasSize(items.size()).isNotEmpty();
        assertThat(totals.keySet()).containsExactlyInAnyOrderElementsOf(sums.keySet());
        sums.forEach((invoice, sum) -> assertThat(totals.get(invoice)).as("total of " + invoice)
                .isEqualByComparingTo(sum));

        // The search index holds exactly the table's live items, per country.
        for (String country : COUNTRIES) {
            long live = items.values().stream().flatMap(t -> t.values().stream()).filter(i -> i[1].equals(country))
                    .count();
            JsonNode page = ServiceChecks.JSON.readTree(service.get("/search?country=" + country + "&limit=1")
                    .body());
            assertThat(page.get("total").asLong()).as("search documents in " + country).isEqualTo(live);
        }

        // Every event archived once, none twice.
        Path archive = data.resolve("archive");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ServiceChecks.archived(List.of(archive)).size() == changes + verifierEvents);
        Map<Long, JsonNode> lines = ServiceChecks.archived(List.of(archive));
        assertThat(lines.values()).filteredOn(l -> l.get("eventType").asText().contains("Verifier"))
                .hasSize(verifierEvents);

        // One payment message per new invoice, one alert per zero amount: none lost, none twice.
        List<Message> payments = ServiceChecks.drain(sqs, "pay-" + run + ".fifo");
        assertThat(payments).extracting(m -> m.messageAttributes().get("invoiceNumber").stringValue())
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(invoicesOpened);
        List<Message> alerts = ServiceChecks.drain(sqs, "alert-" + run + ".fifo");
        assertThat(alerts).hasSize(zeroAmounts);
        assertThat(alerts).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .doesNotHaveDuplicates();

        // A crash is no poison: nothing was parked, in the stream or in any read model.
        JsonNode status = ServiceChecks.JSON.readTree(service.get("/projections").body());
        assertThat(status.get("parkedStreamRecords").asLong()).isZero();
        assertThat(status.get("deadLetters").size()).as("every processing group has its queue").isEqualTo(5);
        status.get("deadLetters").forEach(parked -> assertThat(parked.asLong()).isZero());

        // A rebuild of the DynamoDB read models and the search index while the service runs (issue 15) gives the
        // same items.
        Map<String, String> totalsLive = scan("CrashTotal_" + run);
        Map<String, String> countsLive = scan("CrashAction_" + run);
        for (String model : List.of("totals", "country-verification", "search")) {
            assertThat(service.post("/admin/projections/" + model + "/rebuild").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (JsonNode r : ServiceChecks.JSON.readTree(service.get("/projections").body()).get("rebuilds")) {
                    if (r.get("name").asText().equals(model)) {
                        assertThat(r.get("state").asText()).as(r.toString()).isNotEqualTo("FAILED");
                        return r.get("state").asText().equals("DONE");
                    }
                }
                return false;
            });
        }
        assertThat(scan("CrashTotal_" + run)).isEqualTo(totalsLive);
        assertThat(scan("CrashAction_" + run)).isEqualTo(countsLive);
        for (String country : COUNTRIES) {
            long live = items.values().stream().flatMap(t -> t.values().stream()).filter(i -> i[1].equals(country))
                    .count();
            JsonNode page = ServiceChecks.JSON.readTree(service.get("/search?country=" + country + "&limit=1")
                    .body());
            assertThat(page.get("total").asLong()).as("search documents in " + country + " after the rebuild")
                    .isEqualTo(live);
        }

        System.out.printf("RELIABILITY crash: %d SIGKILLs (%d while writes flowed) during %d changes; restarts %s ms"
                        + " to HTTP; caught up %d ms after the last write; %d events, %d archive lines, %d payments,"
                        + " %d alerts; 0 lost, 0 duplicated%n", KILLS, killsDuringWrites, changes, restarts,
                catchUp.toMillis(), storedEvents(), lines.size(), payments.size(), alerts.size());
    }
}
