package io.invoicestreams.adapters.bench;

import io.invoicestreams.adapters.dynamodb.DynamoDbStreamConsumer;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.invoicestreams.adapters.dynamodb.StreamIngestion;
import io.invoicestreams.adapters.dynamodb.StreamMetrics;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.support.InMemoryStreams;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * One node and 64 open shards served from memory (DynamoDB Local has one shard), into an H2 store: how long until
 * every record of every shard is stored, with today's consumer (a virtual thread per shard) and with the settings
 * before issue 14 (at most 8 shards, idle polls of 50 to 500 ms), in the same run. An open shard holds its reader
 * until it closes, hours later, so with 8 the rest wait: the baseline's figure is what it stored in the time given.
 *
 * <p>{@code ./mvnw -pl adapters exec:java -Pbench -Dbench.main=io.invoicestreams.adapters.bench.ManyShardsBenchmark}
 */
public final class ManyShardsBenchmark {

    private static final int SHARDS = 64;
    private static final int RECORDS_PER_SHARD = 100;
    private static final int RUNS = 3;
    private static final Duration GIVEN = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        DynamoDbClient dynamoDb = LocalDynamoDb.clients().dynamoDb();
        List<String> rows = new ArrayList<>();
        for (boolean today : new boolean[] {true, false}) {
            List<String> figures = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                figures.add(run(dynamoDb, today));
                System.out.println((today ? "today: " : "before: ") + figures.getLast());
            }
            rows.add("| " + (today ? "today: a virtual thread per shard, idle polls of 20 to 100 ms"
                    : "before issue 14: at most 8 shards, idle polls of 50 to 500 ms") + " | "
                    + String.join("; ", figures) + " |");
        }
        BenchmarkReport.replaceSection(report, "many-shards", BenchmarkReport.measured() + " " + SHARDS
                + " open shards of " + RECORDS_PER_SHARD + " records each (" + SHARDS * RECORDS_PER_SHARD
                + " records), one node, H2 in memory; " + RUNS + " runs each.\n\n| consumer | every record stored |\n"
                + "|---|---|\n" + String.join("\n", rows));
    }

    private static String run(DynamoDbClient dynamoDb, boolean today) throws Exception {
        String table = "ManyShardsBench_" + UUID.randomUUID().toString().substring(0, 8);
        new InvoiceTransactionsTable(dynamoDb, table).createIfMissing(Duration.ofSeconds(30));
        InMemoryStreams streams = new InMemoryStreams();
        long sequence = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_SHARD; i++) {
                records.add(InMemoryStreams.insert(Integer.toString(8_000_000 + shard * 1000 + i % 20), ++sequence, "$1",
                        Instant.now()));
            }
            streams.shard("shardId-" + shard, null, false, records);
        }
        DynamoDbStreamConsumer.Settings settings = today ? DynamoDbStreamConsumer.Settings.defaults()
                : new DynamoDbStreamConsumer.Settings(1000, Duration.ofMillis(50), Duration.ofMillis(500),
                Duration.ofSeconds(20), Duration.ofSeconds(5), 8, Duration.ofSeconds(2));
        int expected = SHARDS * RECORDS_PER_SHARD;
        try (InvoiceEventStore store = InvoiceEventStore.start(TestDatabases.H2.fresh(), "bench", Duration.ofSeconds(5),
                Clock.systemUTC(), c -> { })) {
            DynamoDbStreamConsumer consumer = StreamIngestion.consumer(store, dynamoDb, streams, table,
                    Currency.getInstance("USD"), StreamMetrics.NONE, settings, Clock.systemUTC());
            Instant start = Instant.now();
            consumer.start();
            try {
                long stored = 0;
                while (Duration.between(start, Instant.now()).compareTo(GIVEN) < 0) {
                    stored = count(store);
                    if (stored >= expected) {
                        return String.format("%,d ms", Duration.between(start, Instant.now()).toMillis());
                    }
                    Thread.sleep(10);
                }
                return String.format("%,d of %,d after %d s (%d shards read)", stored, expected, GIVEN.toSeconds(),
                        consumer.status().ownedShards());
            } finally {
                consumer.close();
            }
        }
    }

    private static long count(InvoiceEventStore store) throws java.sql.SQLException {
        try (java.sql.Connection c = store.transactions().getConnection();
             java.sql.ResultSet r = c.createStatement().executeQuery("select count(*) from DomainEventEntry")) {
            r.next();
            return r.getLong(1);
        }
    }
}
