package io.invoicestreams.adapters.bench;

import io.invoicestreams.adapters.dynamodb.DynamoDbCountryVerificationStore;
import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.projections.countryverification.CountryVerificationProjection;
import io.invoicestreams.projections.countryverification.VerificationMetrics;
import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.totals.TotalsProjection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Read model rates on real parts (PostgreSQL event store, DynamoDB Local read models): the totals projection
 * coalesced (one UpdateItem per invoice per batch) and the country counts coalesced (one per invoice and country)
 * against per-event updates, over the same events in the same run, and a replay in place (clear, reset, replay
 * through the live handler) of both over the whole store.
 *
 * <p>{@code ./mvnw -pl adapters -am install -DskipTests && ./mvnw -pl adapters exec:java -Pbench
 * -Dbench.main=io.invoicestreams.adapters.bench.ProjectionBenchmark}
 */
public final class ProjectionBenchmark {

    static final int EVENTS = Integer.getInteger("bench.events", 100_000);
    static final int RUNS = Integer.getInteger("bench.runs", 2);
    static final ProjectionProcessors.Settings SETTINGS =
            new ProjectionProcessors.Settings(500, 4, Duration.ofMillis(500));

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        JdbcTransactions db = TestDatabases.POSTGRESQL.fresh();
        List<EventMessage<?>> history = history(EVENTS, new Random(7));
        try (InvoiceEventStore loader = InvoiceEventStore.start(db, "bench-loader", Duration.ofSeconds(10),
                Clock.systemUTC(), c -> { })) {
            for (int i = 0; i < history.size(); i += 1000) {
                List<EventMessage<?>> chunk = history.subList(i, Math.min(history.size(), i + 1000));
                db.executeInTransaction(() -> loader.configuration().eventStore().publish(chunk));
            }
            System.out.printf("loaded %,d events (head %d)%n", history.size(), loader.headIndex());
        }

        List<Measure> coalesced = new ArrayList<>();
        List<Measure> perEvent = new ArrayList<>();
        List<Measure> countsCoalesced = new ArrayList<>();
        List<Measure> countsPerEvent = new ArrayList<>();
        List<Measure> rebuildTotals = new ArrayList<>();
        List<Measure> rebuildCounts = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            coalesced.add(build(db, dynamoDb, "totals-coalesced-" + run, true));
            perEvent.add(build(db, dynamoDb, "totals-per-event-" + run, false));
            countsCoalesced.add(countries(db, dynamoDb, "counts-coalesced-" + run, true));
            countsPerEvent.add(countries(db, dynamoDb, "counts-per-event-" + run, false));
            rebuildTotals.add(rebuild(db, dynamoDb, TotalsProjection.NAME));
            rebuildCounts.add(rebuild(db, dynamoDb, CountryVerificationProjection.NAME));
        }

        List<String> rows = List.of(
                row("totals, coalesced: first build from an empty token", coalesced),
                row("totals, one UpdateItem per event (baseline): first build", perEvent),
                row("country counts, coalesced per invoice and country: first build", countsCoalesced),
                row("country counts, one UpdateItem per event (baseline, before issue 15): first build",
                        countsPerEvent),
                row("totals: replayed in place through the live handler (clear, reset, replay)", rebuildTotals),
                row("country counts: replayed in place through the live handler", rebuildCounts));
        rows.forEach(System.out::println);
        BenchmarkReport.replaceSection(report, "projections", BenchmarkReport.measured() + " "
                + String.format(Locale.ROOT, "%,d", history.size()) + " events over "
                + String.format(Locale.ROOT, "%,d", invoices) + " invoices in PostgreSQL; read models in DynamoDB"
                + " Local (in memory); processor batches of 500 events, 4 segments; " + RUNS + " runs, each cell the"
                + " range over them. Coalesced totals are "
                + ratio(coalesced, perEvent) + " the per-event rate, coalesced country counts "
                + ratio(countsCoalesced, countsPerEvent)
                + ". DynamoDB writes are the UpdateItem calls made (the country counts' include a retry after a"
                + " condition that failed). The folded rebuilds are in the next section.\n\n"
                + "| run | events | seconds | events/s | DynamoDB writes |\n|---|---|---|---|---|\n"
                + String.join("\n", rows));
        dynamoDb.close();
        System.exit(0);
    }

    record Measure(long events, double seconds, long writes) {
        double rate() {
            return events / seconds;
        }
    }

    private static String row(String name, List<Measure> runs) {
        double fastest = runs.stream().mapToDouble(Measure::seconds).min().orElseThrow();
        double slowest = runs.stream().mapToDouble(Measure::seconds).max().orElseThrow();
        long events = runs.getFirst().events();
        long fewest = runs.stream().mapToLong(Measure::writes).min().orElseThrow();
        long most = runs.stream().mapToLong(Measure::writes).max().orElseThrow();
        String writes = fewest < 0 ? "" : fewest == most ? String.format(Locale.ROOT, "%,d", fewest)
                : String.format(Locale.ROOT, "%,d–%,d", fewest, most);
        return String.format(Locale.ROOT, "| %s | %,d | %.1f–%.1f | %,.0f–%,.0f | %s |", name, events, fastest,
                slowest, events / slowest, events / fastest, writes);
    }

    /** How many times faster, as a range over the runs: the slowest of one against the fastest of the other. */
    private static String ratio(List<Measure> fast, List<Measure> slow) {
        double low = slow.stream().mapToDouble(Measure::seconds).min().orElseThrow()
                / fast.stream().mapToDouble(Measure::seconds).max().orElseThrow();
        double high = slow.stream().mapToDouble(Measure::seconds).max().orElseThrow()
                / fast.stream().mapToDouble(Measure::seconds).min().orElseThrow();
        return String.format(Locale.ROOT, "**%.1f–%.1f×**", low, high);
    }

    /** A totals processor of its own name and table, from an empty token to the head. */
    private static Measure build(JdbcTransactions db, DynamoDbClient dynamoDb, String name, boolean coalesce) {
        CountingTotals totals = new CountingTotals(dynamoDb, "InvoiceTotal_" + UUID.randomUUID());
        long started = System.nanoTime();
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "bench-" + name, Duration.ofSeconds(10),
                Clock.systemUTC(), ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(name,
                        new TotalsProjection(totals, coalesce))), SETTINGS))) {
            await(new ProjectionControl(store), name);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%s: %.1f s, %,d writes%n", name, seconds, totals.writes);
            return new Measure(store.headIndex(), seconds, totals.writes);
        } finally {
            totals.close();
        }
    }

    /** Counts the UpdateItem calls made through a client. */
    static final class UpdateCounter implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest) {
                calls.incrementAndGet();
            }
        }
    }

    /** A client to the same DynamoDB Local that counts its UpdateItem calls. */
    static DynamoDbClient counting(DynamoDbClient like, UpdateCounter counter) {
        return DynamoDbClient.builder()
                .endpointOverride(like.serviceClientConfiguration().endpointOverride().orElseThrow())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter))
                .build();
    }

    /** A country counts processor of its own name and table, from an empty token to the head. */
    private static Measure countries(JdbcTransactions db, DynamoDbClient dynamoDb, String name, boolean coalesce) {
        UpdateCounter counter = new UpdateCounter();
        try (DynamoDbClient client = counting(dynamoDb, counter)) {
            DynamoDbCountryVerificationStore counts = new DynamoDbCountryVerificationStore(client,
                    "InvoiceAction_" + UUID.randomUUID());
            counts.createTableIfMissing(Duration.ofSeconds(30));
            long started = System.nanoTime();
            try (InvoiceEventStore store = InvoiceEventStore.start(db, "bench-" + name, Duration.ofSeconds(10),
                    Clock.systemUTC(), ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(
                            name, new CountryVerificationProjection(counts, VerificationMetrics.NONE, coalesce))),
                            SETTINGS))) {
                await(new ProjectionControl(store), name);
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("%s: %.1f s, %,d UpdateItem calls%n", name, seconds, counter.calls.get());
                return new Measure(store.headIndex(), seconds, counter.calls.get());
            }
        }
    }

    /** Both read models built, then one of them replayed in place through its live handler; the replay is timed. */
    private static Measure rebuild(JdbcTransactions db, DynamoDbClient dynamoDb, String name) {
        CountingTotals totals = new CountingTotals(dynamoDb, "InvoiceTotal_" + UUID.randomUUID());
        DynamoDbCountryVerificationStore counts = new DynamoDbCountryVerificationStore(dynamoDb,
                "InvoiceAction_" + UUID.randomUUID());
        counts.createTableIfMissing(Duration.ofSeconds(30));
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "bench-rebuild-" + name, Duration.ofSeconds(10),
                Clock.systemUTC(), ProjectionProcessors.register(List.of(
                        new ProjectionProcessors.Projection(name, name.equals(TotalsProjection.NAME)
                                ? new TotalsProjection(totals, true)
                                : new CountryVerificationProjection(counts, VerificationMetrics.NONE))), SETTINGS))) {
            ProjectionControl control = new ProjectionControl(store);
            await(control, name);
            long started = System.nanoTime();
            control.startRebuild(name);
            await(control, name);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("rebuild %s: %.1f s%n", name, seconds);
            return new Measure(store.headIndex(), seconds, -1);
        } finally {
            totals.close();
        }
    }

    private static void await(ProjectionControl control, String name) {
        if (!control.awaitCaughtUp(name, Duration.ofHours(1), Duration.ofMillis(200), p -> { })) {
            throw new IllegalStateException(name + " did not catch up");
        }
    }

    static int invoices;

    /**
     * Invoices as a table receives them: each gets 3 to 7 transactions written together, then some corrections,
     * country changes and deletions, with other invoices interleaved. About 1 in 4 invoices has a verifier for its
     * main country.
     */
    static List<EventMessage<?>> history(int events, Random random) {
        return history(events, random, false);
    }

    private static final String[] WARES = {"laptops", "desktops", "printer", "monitors", "toner", "chairs", "desks",
            "cables", "routers", "phones", "tablets", "lamps", "paper", "servers", "switches", "scanners"};

    /**
     * The same history; with {@code documents}, each recorded transaction carries an {@code InvoiceDoc} as the seed
     * writes it: one of 400 vendors and one to three of 16 wares with quantities.
     */
    static List<EventMessage<?>> history(int events, Random random, boolean documents) {
        EventHistory history = new EventHistory();
        String[] countries = {"USA", "UK", "China", "France"};
        int invoice = 0;
        while (history.size() < events) {
            String number = "B" + (invoice++);
            String main = countries[random.nextInt(countries.length)];
            if (random.nextInt(4) == 0) {
                history.verifier(number, main, "audit@com");
            }
            int transactions = 3 + random.nextInt(5);
            for (int t = 0; t < transactions; t++) {
                String amount = "$" + random.nextInt(5000) + "." + random.nextInt(10) + "0";
                String country = random.nextInt(5) == 0 ? countries[random.nextInt(countries.length)] : main;
                if (documents) {
                    Map<String, Integer> wares = new java.util.LinkedHashMap<>();
                    for (int w = 1 + random.nextInt(3); w > 0; w--) {
                        wares.put(WARES[random.nextInt(WARES.length)], 1 + random.nextInt(20));
                    }
                    history.recorded(number, "T" + t, amount, country, EventHistory.document("Vendor"
                            + random.nextInt(400) + " Inc", wares));
                } else {
                    history.recorded(number, "T" + t, amount, country);
                }
            }
            if (random.nextBoolean()) {
                history.corrected(number, "T0", "$" + random.nextInt(5000));
            }
            if (random.nextInt(5) == 0) {
                history.removed(number, "T1");
            }
        }
        invoices = invoice;
        return new ArrayList<>(history.messages().subList(0, events));
    }

    /** The DynamoDB totals store, counting the UpdateItem calls it makes. */
    static final class CountingTotals extends io.invoicestreams.projections.totals.CountingStore {
        CountingTotals(DynamoDbClient dynamoDb, String table) {
            super(create(dynamoDb, table));
        }

        private static DynamoDbTotalsStore create(DynamoDbClient dynamoDb, String table) {
            DynamoDbTotalsStore store = new DynamoDbTotalsStore(dynamoDb, table, Currency.getInstance("USD"), 8);
            store.createTableIfMissing(Duration.ofSeconds(30));
            return store;
        }
    }
}
