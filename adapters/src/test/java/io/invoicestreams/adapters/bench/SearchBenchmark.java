package io.invoicestreams.adapters.bench;

import io.invoicestreams.adapters.search.LuceneSearchIndex;
import io.invoicestreams.adapters.search.OpenSearchSearchIndex;
import io.invoicestreams.adapters.support.LocalOpenSearch;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchProjection;
import io.invoicestreams.projections.search.SearchQuery;
import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.support.ProjectionDriver;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.axonframework.eventhandling.TrackedEventMessage;

/**
 * The search index on Lucene and on OpenSearch: indexing 100,000 transactions through the search projection in
 * batches of 500 (one commit or bulk per batch), against a naive write per document; then the latency of 2,000
 * queries of five kinds.
 *
 * <p>{@code ./mvnw -pl adapters -am install -DskipTests && ./mvnw -pl adapters exec:java -Pbench
 * -Dbench.main=io.invoicestreams.adapters.bench.SearchBenchmark}
 */
public final class SearchBenchmark {

    static final int DOCUMENTS = Integer.getInteger("bench.search.documents", 100_000);
    static final int NAIVE = Integer.getInteger("bench.search.naive", 2_000);
    static final int QUERIES = Integer.getInteger("bench.search.queries", 2_000);
    static final List<String> ITEMS = List.of("laptops", "desktops", "printer", "monitors", "toner", "chairs",
            "desks", "cables", "routers", "switches", "phones", "tablets", "keyboards", "mice", "headsets", "lamps",
            "sofas", "shelves", "servers", "projectors");
    static final List<String> COUNTRIES = List.of("USA", "UK", "China", "France", "Germany", "India");

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        List<TrackedEventMessage<?>> events = history(DOCUMENTS, new Random(5));
        String lucene = measure("Lucene 10.6 in the JVM", events, NAIVE,
                () -> new LuceneSearchIndex(Files.createTempDirectory("search-bench")));
        String opensearch = measure("OpenSearch 3.8, one node in its own JVM on this machine", events, NAIVE / 10,
                () -> new OpenSearchSearchIndex(LocalOpenSearch.endpoint(), "bench-" + System.nanoTime()));
        String body = BenchmarkReport.measured() + "\n\n" + lucene + "\n" + opensearch;
        System.out.println(body);
        BenchmarkReport.replaceSection(report, "search", body);
        System.exit(0);
    }

    interface Engine {
        SearchIndex open() throws Exception;
    }

    private static String measure(String title, List<TrackedEventMessage<?>> events, int naiveDocuments,
                                  Engine engine) throws Exception {
        SearchIndex index = engine.open();
        new ProjectionDriver(new SearchProjection(index)).deliver(events.subList(0, 2_000), 500); // warm-up
        index.beginRebuild();
        ProjectionDriver driver = new ProjectionDriver(new SearchProjection(index));
        long t0 = System.nanoTime();
        driver.deliver(events, 500);
        double batchedSeconds = (System.nanoTime() - t0) / 1e9;
        index.completeRebuild();
        System.out.printf("%s: %,d documents in %.1f s%n", title, events.size(), batchedSeconds);

        Map<String, IntFunction<SearchQuery>> kinds = new LinkedHashMap<>();
        kinds.put("one word (`laptops`)", i -> SearchQuery.text(ITEMS.get(i % ITEMS.size())));
        kinds.put("phrase (`\"Vendor17 Inc\"`)", i -> SearchQuery.text("\"Vendor" + (i % 500) + " Inc\""));
        kinds.put("wildcard vendor (`vendor:*17*`)", i -> SearchQuery.text("vendor:*" + (i % 500) + "*"));
        kinds.put("word + country + amount range", i -> new SearchQuery(ITEMS.get(i % ITEMS.size()),
                COUNTRIES.get(i % COUNTRIES.size()), new BigDecimal("100"), new BigDecimal("5000"), null, null,
                null, 20, null));
        kinds.put("item with quantity ≥ 5", i -> new SearchQuery(null, null, null, null, null,
                ITEMS.get(i % ITEMS.size()), new BigDecimal("5"), 20, null));
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, IntFunction<SearchQuery>> kind : kinds.entrySet()) {
            for (int i = 0; i < 100; i++) {
                index.search(kind.getValue().apply(i)); // warm-up
            }
            long[] nanos = new long[QUERIES / kinds.size()];
            long hits = 0;
            for (int i = 0; i < nanos.length; i++) {
                long q0 = System.nanoTime();
                hits += index.search(kind.getValue().apply(i)).total();
                nanos[i] = System.nanoTime() - q0;
            }
            Arrays.sort(nanos);
            rows.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %,.0f |%n", kind.getKey(),
                    nanos.length, nanos[nanos.length / 2] / 1e6, nanos[(int) (nanos.length * 0.99)] / 1e6,
                    (double) hits / nanos.length));
        }
        close(index);

        SearchIndex naiveIndex = engine.open();
        ProjectionDriver naive = new ProjectionDriver(new SearchProjection(naiveIndex));
        long t1 = System.nanoTime();
        naive.deliver(events.subList(0, naiveDocuments), 1); // one write and commit per document
        double naiveSeconds = (System.nanoTime() - t1) / 1e9;
        close(naiveIndex);

        double rate = events.size() / batchedSeconds;
        double naiveRate = naiveDocuments / naiveSeconds;
        return "### " + title + "\n\n"
                + "| indexing | documents | seconds | documents/s |\n|---|---|---|---|\n"
                + String.format(Locale.ROOT, "| search projection, batches of 500 (one commit or bulk each) | %,d | %.1f | %,.0f |%n",
                events.size(), batchedSeconds, rate)
                + String.format(Locale.ROOT, "| naive baseline: one commit or request per document | %,d | %.1f | %,.0f |%n",
                naiveDocuments, naiveSeconds, naiveRate)
                + String.format(Locale.ROOT, "%nBatched is **%.0f×** the naive rate.%n%n", rate / naiveRate)
                + String.format(Locale.ROOT, "Queries over the %,d documents, 20 hits a page with facets and highlights:%n%n",
                events.size())
                + "| query | runs | p50 ms | p99 ms | matches (mean) |\n|---|---|---|---|---|\n" + rows;
    }

    private static void close(SearchIndex index) throws Exception {
        if (index instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Transactions over 20,000 invoices with 500 vendors, one to four items each. */
    private static List<TrackedEventMessage<?>> history(int documents, Random random) {
        EventHistory history = new EventHistory();
        for (int i = 0; i < documents; i++) {
            Map<String, Integer> items = new LinkedHashMap<>();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                items.put(ITEMS.get(random.nextInt(ITEMS.size())), 1 + random.nextInt(10));
            }
            history.recorded(Integer.toString(1_000_000 + random.nextInt(20_000)), "T" + i,
                    "$" + (1 + random.nextInt(10_000)), COUNTRIES.get(random.nextInt(COUNTRIES.size())),
                    EventHistory.document("Vendor" + random.nextInt(500) + " Inc", items));
        }
        return new ArrayList<>(history.tracked());
    }
}
