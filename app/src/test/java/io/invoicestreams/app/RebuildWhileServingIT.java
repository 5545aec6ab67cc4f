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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A rebuild of the totals asked of one of two serving nodes on PostgreSQL (issue 15): it runs while both serve and
 * a writer keeps changing the table; a reader polling the totals on both nodes the whole time sees each invoice's
 * total only as the sum of a prefix of its transactions, never going back; the other read models keep up; and when
 * the node that rebuilds is killed with SIGKILL mid-rebuild, the other one finishes it. Every total ends equal to the
 * table's own sum.
 */
class RebuildWhileServingIT {

    static final int INVOICES = 150;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String table = "Rebuild_" + run;
    private final String schema = "rebuild_" + run.replace('-', '_');
    private final DynamoDbClients local = LocalDynamoDb.clients();
    private final DynamoDbClient users = local.dynamoDb();
    private final List<ServiceProcess> services = new ArrayList<>();
    private final List<Map<String, String>> settingsOf = new ArrayList<>();
    /** Per invoice, its total after each of its transactions, in the order they were written. */
    private final Map<String, List<BigDecimal>> prefixes = new ConcurrentHashMap<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final Random random = new Random(3);

    private EmbeddedSqs elasticMq;

    @AfterEach
    void stop() {
        services.forEach(ServiceProcess::close);
        if (elasticMq != null) {
            elasticMq.close();
        }
        users.close();
    }

    private void write(int count) {
        for (int i = 0; i < count; i++) {
            int n = changes.getAndIncrement();
            String invoice = Integer.toString(7_100_000 + random.nextInt(INVOICES));
            int amount = 1 + random.nextInt(90);
            // Known before it is written, so that a reader never sees a total the test does not know yet.
            List<BigDecimal> totals = prefixes.computeIfAbsent(invoice, k -> new CopyOnWriteArrayList<>());
            totals.add((totals.isEmpty() ? BigDecimal.ZERO : totals.getLast()).add(BigDecimal.valueOf(amount)));
            users.putItem(b -> b.tableName(table).item(Map.of(
                    "InvoiceNumber", AttributeValue.fromS(invoice),
                    "TransactionIdentifier", AttributeValue.fromS("T" + n),
                    "Amount", AttributeValue.fromS("$" + amount),
                    "Trans_country", AttributeValue.fromS("USA"))));
        }
    }

    private Map<String, BigDecimal> sums() {
        Map<String, BigDecimal> sums = new java.util.HashMap<>();
        prefixes.forEach((invoice, totals) -> sums.put(invoice, totals.getLast()));
        return sums;
    }

    private void startTwo() throws Exception {
        ServiceChecks.createSchema(schema);
        elasticMq = EmbeddedSqs.start(0);
        for (String name : List.of("a", "b")) {
            Path data = Files.createTempDirectory("rebuild-" + name + "-" + run);
            Map<String, String> settings = ServiceChecks.withSharedQueues(ServiceChecks.settings(data, "Rebuild", run,
                    local.endpoint().orElseThrow(), TestDatabases.PG_URL + "?currentSchema=" + schema),
                    elasticMq.endpoint(), run);
            settings.put("invoice.node.id", "node-" + name);
            settings.put("invoice.node.claim-timeout", "3s");
            // Slow enough that a rebuild lasts some seconds here, for the reader to watch and the kill to land.
            settings.put("invoice.read-models.rebuild.items-per-second", "20");
            settingsOf.add(new java.util.LinkedHashMap<>(settings));
            services.add(new ServiceProcess(settings, data.resolve("service.log")));
        }
        services.get(0).start();
        services.get(1).start();
        write(400);
        await().atMost(Duration.ofSeconds(90)).until(() -> ServiceChecks.storedEvents(schema) == changes.get()
                && ServiceChecks.totalsMatch(services.get(0), sums()) && ServiceChecks.totalsMatch(services.get(1), sums()));
    }

    private static JsonNode rebuild(ServiceProcess service, String name) throws Exception {
        for (JsonNode rebuild : ServiceChecks.JSON.readTree(service.get("/projections").body()).get("rebuilds")) {
            if (rebuild.get("name").asText().equals(name)) {
                return rebuild;
            }
        }
        return null;
    }

    private static long position(ServiceProcess service, String name) throws Exception {
        for (JsonNode p : ServiceChecks.JSON.readTree(service.get("/projections").body()).get("projections")) {
            if (p.get("name").asText().equals(name)) {
                return p.get("position").asLong();
            }
        }
        throw new AssertionError("no read model " + name);
    }

    @Test
    void a_rebuild_asked_on_one_node_runs_while_both_serve_and_no_reader_sees_a_partial_total() throws Exception {
        startTwo();
        ServiceProcess a = services.get(0);
        ServiceProcess b = services.get(1);
        AtomicBoolean going = new AtomicBoolean(true);
        List<String> partial = new CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        Thread writer = Thread.ofPlatform().start(() -> {
            while (going.get()) {
                write(1);
            }
        });
        Thread reader = Thread.ofPlatform().start(() -> {
            Map<String, BigDecimal> newest = new java.util.HashMap<>();
            Random pick = new Random(5);
            while (going.get()) {
                String invoice = Integer.toString(7_100_000 + pick.nextInt(INVOICES));
                ServiceProcess node = pick.nextBoolean() ? a : b;
                try {
                    var response = node.get("/invoices/" + invoice + "/total");
                    if (response.statusCode() != 200) {
                        continue;
                    }
                    BigDecimal total = ServiceChecks.JSON.readTree(response.body()).get("total").decimalValue();
                    List<BigDecimal> states = prefixes.getOrDefault(invoice, List.of());
                    if (states.stream().noneMatch(s -> s.compareTo(total) == 0)) {
                        partial.add(invoice + ": " + total + " is no prefix of " + states);
                    }
                    BigDecimal before = newest.put(invoice, total);
                    if (before != null && total.compareTo(before) < 0) {
                        partial.add(invoice + ": went back from " + before + " to " + total);
                    }
                    reads.incrementAndGet();
                } catch (Exception e) {
                    partial.add(invoice + ": " + e);
                }
            }
        });

        long countsBefore = position(b, "country-verification");
        var asked = a.post("/admin/projections/totals/rebuild");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> rebuild(b, "totals") != null && rebuild(b, "totals").get("state").asText().equals("DONE"));
        int readsDuringRebuild = reads.get();
        long countsAfter = position(b, "country-verification");
        JsonNode done = rebuild(a, "totals");
        going.set(false);
        writer.join();
        reader.join();

        await().atMost(Duration.ofSeconds(60)).until(() -> ServiceChecks.storedEvents(schema) == changes.get()
                && ServiceChecks.totalsMatch(a, sums()) && ServiceChecks.totalsMatch(b, sums()));
        assertThat(partial).as("totals a reader saw that are no complete state of their invoice").isEmpty();
        assertThat(readsDuringRebuild).as("reads while the rebuild ran").isGreaterThan(20);
        assertThat(done.get("events").asLong()).as("events folded").isGreaterThanOrEqualTo(400);
        assertThat(done.get("node").asText()).isIn("node-a", "node-b");
        assertThat(countsAfter).as("the country counts went on during the rebuild").isGreaterThan(countsBefore);
        System.out.printf("RELIABILITY rebuild-while-serving: %d changes, %d reads of totals during the rebuild on"
                        + " %s, none partial; rebuild: %s%n", changes.get(), readsDuringRebuild,
                done.get("node").asText(), done);
    }

    @Test
    void the_node_killed_mid_rebuild_leaves_it_to_the_other_which_finishes_it() throws Exception {
        startTwo();
        ServiceProcess a = services.get(0);
        ServiceProcess b = services.get(1);
        var asked = b.post("/admin/projections/totals/rebuild");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode r = rebuild(a, "totals");
            return r != null && r.get("state").asText().equals("RUNNING") && !r.get("node").isNull();
        });
        String owner = rebuild(a, "totals").get("node").asText();
        ServiceProcess rebuilding = owner.equals("node-a") ? a : b;
        ServiceProcess other = rebuilding == a ? b : a;
        rebuilding.kill();
        JsonNode afterKill = rebuild(other, "totals");
        assertThat(afterKill.get("state").asText()).as("the kill landed mid-rebuild").isEqualTo("RUNNING");
        assertThat(afterKill.get("node").asText()).isEqualTo(owner);

        write(100);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode r = rebuild(other, "totals");
            return r.get("state").asText().equals("DONE");
        });
        JsonNode done = rebuild(other, "totals");
        assertThat(done.get("node").asText()).as("finished by the survivor").isNotEqualTo(owner);
        await().atMost(Duration.ofSeconds(60)).until(() -> ServiceChecks.storedEvents(schema) == changes.get()
                && ServiceChecks.totalsMatch(other, sums()));

        // The command line, in a process of its own next to the survivor (with a data folder of its own: the local
        // search index is the survivor's), asks for a rebuild and follows it to its end.
        Path cliData = Files.createTempDirectory("rebuild-cli-" + run);
        Map<String, String> cli = new java.util.LinkedHashMap<>(settingsOf.getFirst());
        cli.put("invoice.data-dir", cliData.toString());
        cli.put("invoice.node.id", "cli");
        assertThat(new ServiceProcess(cli, cliData.resolve("cli.log")).run(Duration.ofMinutes(3), "rebuild",
                "country-verification")).as("see " + cliData.resolve("cli.log")).isZero();
        JsonNode counts = rebuild(other, "country-verification");
        assertThat(counts.get("state").asText()).isEqualTo("DONE");
        assertThat(counts.get("events").asLong()).isEqualTo(ServiceChecks.storedEvents(schema));
        System.out.printf("RELIABILITY rebuild-kill: %s killed mid-rebuild; %s finished it: %s; then the command"
                + " line's rebuild of the counts: %s%n", owner, done.get("node").asText(), done, counts);
    }
}
