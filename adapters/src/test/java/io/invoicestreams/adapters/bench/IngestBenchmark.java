package io.invoicestreams.adapters.bench;

import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.invoicestreams.adapters.dynamodb.ShardCheckpoint;
import io.invoicestreams.adapters.dynamodb.ShardLeases;
import io.invoicestreams.adapters.dynamodb.StreamBatchIngestor;
import io.invoicestreams.adapters.dynamodb.StreamMetrics;
import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder;
import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.json.JacksonDocumentParser;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.change.CurrentItemReader;
import io.invoicestreams.domain.change.Translation;
import io.invoicestreams.domain.invoice.ApplyTransactionChanges;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Ingest rate of stream batches into the event store, on H2 and PostgreSQL: translation, one command per invoice
 * per 1000-record batch and one transaction per batch, against the naive shape (one command and one transaction per
 * record) in the same run. Writes its figures into docs/benchmarks.md.
 *
 * <p>{@code ./mvnw -pl adapters -am test-compile -DskipTests && ./mvnw -pl adapters exec:java -Pbench}
 */
public final class IngestBenchmark {

    static final int CHANGES = Integer.getInteger("bench.changes", 20_000);
    static final int INVOICES = Integer.getInteger("bench.invoices", 10_000);
    static final int BATCH = 1000;

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        List<String> rows = new ArrayList<>();
        Map<String, java.util.function.Supplier<JdbcTransactions>> databases = new LinkedHashMap<>();
        databases.put("H2 file (the embedded default)", () -> {
            try {
                return new JdbcTransactions(io.invoicestreams.adapters.eventstore.EventStoreDatabase.pool(
                        io.invoicestreams.adapters.eventstore.EventStoreDatabase.h2FileUrl(
                                Files.createTempDirectory("bench-h2")), "sa", "", 4));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        databases.put("H2 in memory", TestDatabases.H2::fresh);
        databases.put("PostgreSQL 15 on 127.0.0.1", TestDatabases.POSTGRESQL::fresh);
        String only = System.getProperty("bench.databases", "");
        for (var entry : databases.entrySet()) {
            if (!only.isBlank() && !entry.getKey().toLowerCase(Locale.ROOT).contains(only.toLowerCase(Locale.ROOT))) {
                continue;
            }
            var database = entry.getValue();
            // Every shape takes the same records into an empty store of the same kind, RUNS times.
            List<Record> records = records(CHANGES, INVOICES, new Random(42));
            warmUp(database);
            List<Result> direct = new ArrayList<>();
            List<Result> commands = new ArrayList<>();
            List<Result> naive = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                direct.add(run(database, records, Shape.DIRECT));
                if (DIRECT_ONLY) {
                    continue;
                }
                commands.add(run(database, records, Shape.COMMANDS));
                naive.add(run(database, records, Shape.NAIVE));
            }
            if (DIRECT_ONLY) {
                System.out.println(entry.getKey() + ": direct " + range(direct, Result::rate) + " changes/s");
                continue;
            }
            rows.add(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s |",
                    entry.getKey(), CHANGES, range(direct, Result::rate), range(commands, Result::rate),
                    range(naive, Result::rate), ratio(direct, commands), ratio(direct, naive),
                    range(direct, r -> r.heapMb) + " MiB"));
            System.out.println(rows.getLast());
        }
        if (!DIRECT_ONLY) {
            write(report, rows);
        }
    }

    static final int RUNS = Integer.getInteger("bench.runs", 2);
    /** For profiling the service's path: no baselines, and nothing written to the report. */
    static final boolean DIRECT_ONLY = Boolean.getBoolean("bench.direct-only");

    /** How a batch reaches the store. */
    enum Shape {
        /** The service's path since issue 14: load the batch's invoices at once, decide, append in one batch. */
        DIRECT,
        /** The path before: one Axon command per invoice of the batch, through the command bus and repository. */
        COMMANDS,
        /** One Axon command and one transaction per record. */
        NAIVE
    }

    private static String range(List<Result> results, java.util.function.ToDoubleFunction<Result> figure) {
        double min = results.stream().mapToDouble(figure).min().orElseThrow();
        double max = results.stream().mapToDouble(figure).max().orElseThrow();
        return Math.round(min) == Math.round(max) ? String.format(Locale.ROOT, "%,.0f", min)
                : String.format(Locale.ROOT, "%,.0f–%,.0f", min, max);
    }

    /** The ratio as a range: slowest over slowest, fastest over fastest. */
    private static String ratio(List<Result> faster, List<Result> slower) {
        double low = faster.stream().mapToDouble(Result::rate).min().orElseThrow()
                / slower.stream().mapToDouble(Result::rate).min().orElseThrow();
        double high = faster.stream().mapToDouble(Result::rate).max().orElseThrow()
                / slower.stream().mapToDouble(Result::rate).max().orElseThrow();
        return String.format(Locale.ROOT, "%.1f–%.1f×", Math.min(low, high), Math.max(low, high));
    }

    private static long liveHeapMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }

    record Result(int changes, int events, Duration elapsed, long heapMb) {
        double rate() {
            return changes / (elapsed.toNanos() / 1e9);
        }
    }

    private static void warmUp(java.util.function.Supplier<JdbcTransactions> database) {
        run(database, records(3_000, 500, new Random(7)), Shape.DIRECT);
        run(database, records(3_000, 500, new Random(7)), Shape.COMMANDS);
        run(database, records(500, 100, new Random(8)), Shape.NAIVE);
    }

    private static Result run(java.util.function.Supplier<JdbcTransactions> database, List<Record> records,
                              Shape shape) {
        JdbcTransactions db = database.get();
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "bench", Duration.ofSeconds(30), Clock.systemUTC(),
                c -> { })) {
            ShardLeases leases = new ShardLeases(store.tokenStore(), db);
            String lease = "ddb-stream:bench:shardId-1";
            leases.claim(lease).orElseThrow();
            StreamRecordDecoder decoder = new StreamRecordDecoder(new ChangeTranslator(Currency.getInstance("USD"),
                    new JacksonDocumentParser(), CurrentItemReader.NONE));
            StreamBatchIngestor ingestor = new StreamBatchIngestor(db, shape == Shape.DIRECT ? store.invoiceChanges()
                    : store.invoiceChangesThroughCommands(), store.parkedRecords(),
                    leases, StreamMetrics.NONE, store::forgetCachedAggregates);
            long heapBefore = liveHeapMb();
            long start = System.nanoTime();
            int events = 0;
            if (shape != Shape.NAIVE) {
                for (int from = 0; from < records.size(); from += BATCH) {
                    List<Record> page = records.subList(from, Math.min(records.size(), from + BATCH));
                    List<Decoded> batch = page.stream().map(r -> decoder.decode("shardId-1", r)).toList();
                    events += ingestor.ingest(lease, batch,
                            new ShardCheckpoint(page.getLast().dynamodb().sequenceNumber(), false)).events();
                }
            } else {
                for (Record record : records) {
                    Decoded decoded = decoder.decode("shardId-1", record);
                    Translation.Translated t = (Translation.Translated) decoded.translation();
                    db.executeInTransaction(() -> {
                        leases.checkpoint(lease, new ShardCheckpoint(record.dynamodb().sequenceNumber(), false));
                        store.commandGateway().sendAndWait(ApplyTransactionChanges.of(t.invoiceNumber(), t.change()));
                    });
                }
                events = store.readAll().size();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            // What the run holds: live heap after a full collection, with the store and its caches still open,
            // less the live heap before it began (an H2 in-memory database holds its data in the heap too).
            long heap = liveHeapMb() - heapBefore;
            if (store.readAll().size() != records.size()) {
                throw new IllegalStateException("expected one event per change: " + records.size() + " changes, "
                        + store.readAll().size() + " events");
            }
            return new Result(records.size(), events, elapsed, heap);
        }
    }

    /** Stream records as DynamoDB Streams delivers them (NEW_AND_OLD_IMAGES): 60 % inserts, 25 % updates, 15 % deletes. */
    static List<Record> records(int count, int invoices, Random random) {
        List<Record> out = new ArrayList<>(count);
        List<Map<String, AttributeValue>> live = new ArrayList<>();
        Map<String, Integer> versions = new HashMap<>();
        Instant t0 = Instant.parse("2026-11-23T00:00:00Z");
        int next = 0;
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            String sequence = String.format("%021d", 100_000_000L + i);
            StreamRecord.Builder stream = StreamRecord.builder().sequenceNumber(sequence).sizeBytes(300L)
                    .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).approximateCreationDateTime(t0.plusMillis(i));
            OperationType op;
            if (live.size() < 50 || roll < 60) {
                Map<String, AttributeValue> item = item("INV" + random.nextInt(invoices), "T" + (next++),
                        "$" + (1 + random.nextInt(5000)));
                live.add(item);
                stream.keys(keys(item)).newImage(item);
                op = OperationType.INSERT;
            } else if (roll < 85) {
                int at = random.nextInt(live.size());
                Map<String, AttributeValue> old = live.get(at);
                int v = versions.merge(old.get("TransactionIdentifier").s(), 1, Integer::sum);
                Map<String, AttributeValue> updated = new LinkedHashMap<>(old);
                updated.put("Amount", AttributeValue.fromS("$" + (6000 + v)));
                live.set(at, updated);
                stream.keys(keys(old)).oldImage(old).newImage(updated);
                op = OperationType.MODIFY;
            } else {
                Map<String, AttributeValue> old = live.remove(random.nextInt(live.size()));
                stream.keys(keys(old)).oldImage(old);
                op = OperationType.REMOVE;
            }
            out.add(Record.builder().eventID(String.format("%032x", i)).eventName(op).eventVersion("1.1")
                    .eventSource("aws:dynamodb").awsRegion("us-east-1").dynamodb(stream.build())
                    .userIdentity((Identity) null).build());
        }
        return out;
    }

    private static Map<String, AttributeValue> item(String invoice, String transaction, String amount) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("InvoiceNumber", AttributeValue.fromS(invoice));
        item.put("TransactionIdentifier", AttributeValue.fromS(transaction));
        item.put("Amount", AttributeValue.fromS(amount));
        item.put("Trans_country", AttributeValue.fromS("USA"));
        item.put("Invoice_dt", AttributeValue.fromS("06062016"));
        item.put("InvoiceDoc", AttributeValue.fromM(io.invoicestreams.adapters.support.InvoiceItems.document("Vendor1 Inc")));
        return item;
    }

    private static Map<String, AttributeValue> keys(Map<String, AttributeValue> item) {
        return Map.of("InvoiceNumber", item.get("InvoiceNumber"),
                "TransactionIdentifier", item.get("TransactionIdentifier"));
    }

    private static void write(Path report, List<String> rows) throws IOException {
        BenchmarkReport.replaceSection(report, "ingest", BenchmarkReport.measured() + " "
                + String.format(Locale.ROOT, "%,d", CHANGES) + " stream records over "
                + String.format(Locale.ROOT, "%,d", INVOICES)
                + " invoices (60 % inserts, 25 % updates, 15 % deletes), one event per change.\n\n"
                + "Each figure is the range over " + RUNS + " runs in one process.\n\n"
                + "| event store | changes | direct (the service): changes/s | one command per invoice: changes/s"
                + " | naive: changes/s | direct ÷ commands | direct ÷ naive | heap the direct run holds, after GC |\n"
                + "|---|---|---|---|---|---|---|---|\n"
                + String.join("\n", rows));
    }
}
