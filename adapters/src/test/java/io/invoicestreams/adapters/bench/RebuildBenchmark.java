package io.invoicestreams.adapters.bench;

import io.invoicestreams.adapters.dynamodb.DynamoDbCountryVerificationStore;
import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.adapters.eventstore.HistoryFold;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.eventstore.RebuildCoordinator;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.search.LuceneSearchIndex;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.projections.Fold;
import io.invoicestreams.projections.countryverification.CountryVerificationProjection;
import io.invoicestreams.projections.countryverification.VerificationMetrics;
import io.invoicestreams.projections.search.SearchProjection;
import io.invoicestreams.projections.totals.TotalsProjection;
import java.lang.management.ManagementFactory;
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
import java.util.function.Supplier;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.serialization.upcasting.event.NoOpEventUpcaster;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Rebuilds at a real size (issue 15): a million events over about 170,000 invoices in PostgreSQL, read models in
 * DynamoDB Local, the search index in Lucene. For each read model it times the folded rebuild as the service runs
 * it (asked of the {@link RebuildCoordinator}, folded, written over the table or into a new index generation, handed
 * over), several times, and the rebuild before issue 15 (reset, replay through the live handler) once, in the same
 * run; and the memory the fold holds.
 *
 * <p>{@code ./mvnw -pl adapters -am install -DskipTests && ./mvnw -pl adapters exec:java -Pbench
 * -Dbench.main=io.invoicestreams.adapters.bench.RebuildBenchmark [-Dbench.events=1000000] [-Dbench.runs=3]
 * [-Dbench.baseline=true] [-Dbench.readModels=totals,country-verification|search]}
 */
public final class RebuildBenchmark {

    static final int EVENTS = Integer.getInteger("bench.events", 1_000_000);
    static final int RUNS = Integer.getInteger("bench.runs", 3);
    static final boolean BASELINE = Boolean.parseBoolean(System.getProperty("bench.baseline", "true"));
    static final List<String> READ_MODELS = List.of(System.getProperty("bench.readModels",
            TotalsProjection.NAME + "," + CountryVerificationProjection.NAME).split(","));
    /** The report's section: {@code rebuilds} for the DynamoDB read models, one of its own for any other choice. */
    static final String SECTION = READ_MODELS.equals(List.of(TotalsProjection.NAME,
            CountryVerificationProjection.NAME)) ? "rebuilds" : "rebuilds-" + String.join("-", READ_MODELS);
    static final Currency USD = Currency.getInstance("USD");
    static final ProjectionProcessors.Settings SETTINGS =
            new ProjectionProcessors.Settings(500, 4, Duration.ofMillis(500));

    record Run(double seconds, long events, long items, long deleted) {
    }

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        JdbcTransactions db = TestDatabases.POSTGRESQL.fresh();
        // The search index needs the transactions' documents; the other read models ignore them.
        boolean documents = READ_MODELS.contains(SearchProjection.NAME);
        List<EventMessage<?>> history = ProjectionBenchmark.history(EVENTS, new Random(7), documents);
        long head;
        long loadStarted = System.nanoTime();
        try (InvoiceEventStore loader = InvoiceEventStore.start(db, "bench-loader", Duration.ofSeconds(10),
                Clock.systemUTC(), c -> { })) {
            for (int i = 0; i < history.size(); i += 2000) {
                List<EventMessage<?>> chunk = history.subList(i, Math.min(history.size(), i + 2000));
                db.executeInTransaction(() -> loader.configuration().eventStore().publish(chunk));
            }
            head = loader.headIndex();
        }
        int invoices = ProjectionBenchmark.invoices;
        history = null;
        System.out.printf("loaded %,d events over %,d invoices in %.0f s (head %d)%n", EVENTS, invoices,
                (System.nanoTime() - loadStarted) / 1e9, head);

        List<String> rows = new ArrayList<>();
        List<String> memory = new ArrayList<>();
        for (String name : READ_MODELS) {
            Target target = Target.of(dynamoDb, name);
            initializeTokensAtHead(db, name, head);
            try (InvoiceEventStore store = InvoiceEventStore.start(db, "bench-" + name, Duration.ofSeconds(10),
                    Clock.systemUTC(), ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(
                            name, target.handler())), SETTINGS));
                 RebuildCoordinator coordinator = new RebuildCoordinator(store, "bench-" + name,
                         Map.of(name, target::fold), SETTINGS.segments(), Clock.systemUTC(), Duration.ofSeconds(10),
                         Duration.ofSeconds(15)).start(Duration.ofMillis(100))) {
                memory.add(foldMemory(db, name, target.fold()));
                List<Run> folded = new ArrayList<>();
                for (int run = 0; run < RUNS; run++) {
                    folded.add(folded(coordinator, name));
                    System.out.printf("%s folded rebuild %d: %.1f s%n", name, run + 1, folded.getLast().seconds());
                }
                Run inPlace = BASELINE ? inPlace(store, name, target.afterReplay()) : null;
                rows.add(rowsOf(name, folded, inPlace));
            }
            target.remove().run();
        }
        rows.forEach(System.out::println);
        BenchmarkReport.replaceSection(report, SECTION, BenchmarkReport.measured() + " "
                + String.format(Locale.ROOT, "%,d", EVENTS) + " events over "
                + String.format(Locale.ROOT, "%,d", invoices) + " invoices in PostgreSQL"
                + (documents ? ", each recorded transaction with an InvoiceDoc (a vendor, 1 to 3 items)" : "")
                + (documents ? "; the search index in Lucene on disk. Folded: " + RUNS + " runs, each into a new"
                + " generation, tombstones included (removed transactions, kept with their versions); replayed: one run.\n\n"
                : "; read models in DynamoDB Local (in memory). Folded: " + RUNS + " runs, the first into an empty"
                + " table, the others over a full one; in place: one run.\n\n")
                + "| read model | rebuild | seconds | events/s | items written | ratio |\n|---|---|---|---|---|---|\n"
                + String.join("\n", rows) + "\n\nMemory the fold holds at its end (heap after a full GC, less the heap"
                + " before it): " + String.join("; ", memory) + ".");
        dynamoDb.close();
        System.exit(0);
    }

    /**
     * A read model's store, its live handler, a new fold over it, what ends a replay in place (the search index's
     * swap) and what removes the store afterwards.
     */
    record Target(Object live, Supplier<Fold> folds, Runnable afterReplay, Runnable remove) {
        static Target of(DynamoDbClient dynamoDb, String name) {
            String table = (name.equals(TotalsProjection.NAME) ? "InvoiceTotal_" : "InvoiceAction_") + UUID.randomUUID();
            Runnable remove = () -> dynamoDb.deleteTable(b -> b.tableName(table));
            return switch (name) {
                case TotalsProjection.NAME -> {
                    DynamoDbTotalsStore store = new DynamoDbTotalsStore(dynamoDb, table, USD, 8);
                    store.createTableIfMissing(Duration.ofSeconds(30));
                    yield new Target(new TotalsProjection(store, true), () -> TotalsProjection.fold(store, USD),
                            () -> { }, remove);
                }
                case CountryVerificationProjection.NAME -> {
                    DynamoDbCountryVerificationStore store = new DynamoDbCountryVerificationStore(dynamoDb, table);
                    store.createTableIfMissing(Duration.ofSeconds(30));
                    // The baseline replays through the live handler as it was before issue 15: one write per event.
                    yield new Target(new CountryVerificationProjection(store, VerificationMetrics.NONE, false),
                            () -> CountryVerificationProjection.fold(store), () -> { }, remove);
                }
                case SearchProjection.NAME -> {
                    Path folder = temporaryFolder();
                    LuceneSearchIndex index = new LuceneSearchIndex(folder);
                    yield new Target(new SearchProjection(index), () -> SearchProjection.fold(index),
                            index::completeRebuild, () -> {
                        index.close();
                        deleteFolder(folder);
                    });
                }
                default -> throw new IllegalArgumentException("no rebuild benchmark for " + name);
            };
        }

        Object handler() {
            return live;
        }

        Fold fold() {
            return folds.get();
        }
    }

    private static Path temporaryFolder() {
        try {
            return java.nio.file.Files.createTempDirectory("rebuild-bench-search");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteFolder(Path folder) {
        try (var files = java.nio.file.Files.walk(folder)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The processor starts at the head: the table is filled by the first folded rebuild, not by a replay. */
    private static void initializeTokensAtHead(JdbcTransactions db, String name, long head) {
        try (InvoiceEventStore tokens = InvoiceEventStore.start(db, "bench-tokens", Duration.ofSeconds(10),
                Clock.systemUTC(), c -> { })) {
            db.executeInTransaction(() -> tokens.tokenStore().initializeTokenSegments(name, SETTINGS.segments(),
                    GapAwareTrackingToken.newInstance(head, List.of())));
        }
    }

    /** Asked, folded, written, handed over: from the request to the row's DONE. */
    private static Run folded(RebuildCoordinator coordinator, String name) {
        long started = System.nanoTime();
        RebuildCoordinator.Rebuild asked = coordinator.request(name);
        org.awaitility.Awaitility.await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> coordinator.status(name).filter(r -> r.requested().equals(asked.requested())
                        && !r.state().active()).isPresent());
        RebuildCoordinator.Rebuild now = coordinator.status(name).orElseThrow();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (now.state() != RebuildCoordinator.State.DONE) {
            throw new IllegalStateException("the rebuild of " + name + " failed: " + now.message());
        }
        String[] written = now.message().split(" ");
        return new Run(seconds, now.events(), now.items(), Long.parseLong(written[3]));
    }

    /** Today's path before issue 15: clear the table, reset the tokens, replay through the live handler. */
    private static Run inPlace(InvoiceEventStore store, String name, Runnable afterReplay) {
        ProjectionControl control = new ProjectionControl(store);
        long started = System.nanoTime();
        control.startRebuild(name);
        if (!control.awaitCaughtUp(name, Duration.ofHours(2), Duration.ofMillis(200), p -> { })) {
            throw new IllegalStateException(name + " did not catch up");
        }
        afterReplay.run();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("%s rebuilt in place: %.1f s%n", name, seconds);
        return new Run(seconds, store.headIndex(), -1, -1);
    }

    /** The heap a finished fold holds, before it is written: after a full GC, less the heap before the fold. */
    private static String foldMemory(JdbcTransactions db, String name, Fold fold) {
        long before = heapAfterGc();
        long started = System.nanoTime();
        HistoryFold.Folded folded = new HistoryFold(db, InvoiceEventStore.serializer(), NoOpEventUpcaster.INSTANCE)
                .fold(fold, (position, target, events) -> { });
        System.out.printf("%s: fold alone %.1f s%n", name, (System.nanoTime() - started) / 1e9);
        long after = heapAfterGc();
        String line = String.format(Locale.ROOT, "%s %,d MiB for %,d items (%,d events)", name,
                (after - before) / (1024 * 1024), fold.size(), folded.events());
        System.out.println(line);
        return line;
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String rowsOf(String name, List<Run> folded, Run inPlace) {
        double min = folded.stream().mapToDouble(Run::seconds).min().orElseThrow();
        double max = folded.stream().mapToDouble(Run::seconds).max().orElseThrow();
        long events = folded.getFirst().events();
        String ratio = inPlace == null ? "" : String.format(Locale.ROOT, "%.0f–%.0f× faster",
                inPlace.seconds() / max, inPlace.seconds() / min);
        boolean search = name.equals(SearchProjection.NAME);
        String fast = String.format(Locale.ROOT, "| %s | folded, written " + (search ? "into a new index generation"
                        : "over the table") + " | %.1f–%.1f | %,.0f–%,.0f |"
                        + " %,d (%,d " + (search ? "tombstones" : "deleted") + ") | %s |", name, min, max,
                events / max, events / min, folded.getFirst().items(),
                // Each search run writes the same tombstones into its new generation; over a table, only a run
                // after the first could find items to delete.
                search ? folded.getFirst().deleted() : folded.stream().mapToLong(Run::deleted).sum(), ratio);
        if (inPlace == null) {
            return fast;
        }
        return fast + "\n" + String.format(Locale.ROOT, "| %s | " + (search
                ? "replayed into a new generation (reset, replay, swap)" : "in place (clear, reset, replay)")
                + ": before issue 15 |"
                + " %.1f | %,.0f | | 1× |", name, inPlace.seconds(), inPlace.events() / inPlace.seconds());
    }
}
