package io.invoicestreams.app.bench;

import io.invoicestreams.adapters.bench.BenchmarkReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * From a change to what a client sees, on the packaged service as its own process (issue 14). For each event store
 * (the embedded H2 default and PostgreSQL) and each setting (today's defaults, and the settings before issue 14:
 * Axon's polling, idle shard polls of 50 to 500 ms), it:
 * <ol>
 *   <li>starts {@code quarkus-run.jar} with its embedded DynamoDB Local and SQS, and times start to ready;</li>
 *   <li>warms both JVMs up with 40 s of 200 writes/s offered;</li>
 *   <li>writes through the AWS SDK at 0, 100 and 300 writes/s of background traffic, and meanwhile probes: one
 *       PutItem of a new invoice, then one target read as a client would, every 5 ms, until it shows the change (the
 *       total, a search hit, or the payment message on the queue); each latency is from PutItem acknowledged;</li>
 *   <li>follows 200 writes/s for 20 s and reads the service's heap after a full GC ({@code jcmd});</li>
 *   <li>kills it with SIGKILL and times the restart to ready.</li>
 * </ol>
 * Every configuration runs {@code bench.runs} times (2 by default); the report gives each figure's range.
 */
public final class LatencyBenchmark {

    private static final int RUNS = Integer.getInteger("bench.runs", 2);
    private static final int PROBES = Integer.getInteger("bench.probes", 30);
    private static final int[] RATES = {0, 100, 300};
    private static final Duration WARM_UP = Duration.ofSeconds(40);
    private static final String[] TARGETS = {"total", "search", "payment"};
    private static final Path JAR = Path.of(System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final String DYNAMODB_LIB = System.getProperty("dynamodb.local.lib",
            "../adapters/dynamodb-local/target/dynamodb-local/lib");
    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private record Setting(String name, List<String> properties) {
    }

    private static final Setting TODAY = new Setting("today's defaults", List.of());
    private static final Setting BEFORE = new Setting("before issue 14", List.of(
            "-Dinvoice.read-models.processing.wake-on-append=false",
            "-Dinvoice.source.dynamodb-streams.min-idle-backoff=50ms",
            "-Dinvoice.source.dynamodb-streams.max-idle-backoff=500ms",
            "-Dinvoice.source.dynamodb-streams.max-shards=8"));

    /** One run's figures: latencies in ms per rate and target, start and restart in ms, heap in MiB. */
    private static final class Run {
        final Map<String, List<Long>> latencies = new LinkedHashMap<>();
        long startMillis;
        long restartMillis;
        double heapMiB;
        int probesMissed;
        final Map<Integer, Double> achieved = new LinkedHashMap<>();
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final AtomicLong NEXT_INVOICE = new AtomicLong(System.currentTimeMillis() % 1_000_000 * 1000);

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run ./mvnw package -DskipTests first");
        }
        Map<String, List<Run>> results = new LinkedHashMap<>();
        for (int run = 0; run < RUNS; run++) {
            for (String store : List.of("H2 file (embedded default)", "PostgreSQL 15")) {
                if (!System.getProperty("bench.stores", "h2,pg").contains(store.startsWith("H2") ? "h2" : "pg")) {
                    continue;
                }
                for (Setting setting : Boolean.getBoolean("bench.today-only") ? List.of(TODAY) : List.of(TODAY, BEFORE)) {
                    String key = store + "|" + setting.name();
                    System.out.printf("%n== %s, %s, run %d%n", store, setting.name(), run + 1);
                    results.computeIfAbsent(key, k -> new ArrayList<>()).add(measure(store.startsWith("PostgreSQL"),
                            setting));
                }
            }
        }
        BenchmarkReport.replaceSection(report, "latency", render(results));
    }

    private static Run measure(boolean postgres, Setting setting) throws Exception {
        Path dir = Files.createTempDirectory("latency-bench");
        System.out.println("service folder and log: " + dir);
        int http = freePort();
        int dynamo = freePort();
        int sqs = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Dquarkus.http.port=" + http, "-Dinvoice.data-dir=" + dir,
                "-Dinvoice.dynamodb.local.port=" + dynamo, "-Dinvoice.dynamodb.local.lib="
                        + Path.of(DYNAMODB_LIB).toAbsolutePath(),
                "-Dinvoice.notifications.sqs.embedded-port=" + sqs, "-Dquarkus.log.level=WARN"));
        if (postgres) {
            String schema = "latency_" + Long.toHexString(System.nanoTime());
            try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            command.add("-Dinvoice.store.url=" + PG_URL + "?currentSchema=" + schema);
            command.add("-Dinvoice.store.user=postgres");
        }
        command.addAll(setting.properties());
        String extra = System.getProperty("bench.service-args", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.split(" ")));
        }
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        Run run = new Run();
        Process service = start(command, dir, http, "start");
        run.startMillis = lastStartMillis;
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + dynamo))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("local", "local"))).build();
             SqsClient queue = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + sqs))
                     .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create("local", "local"))).build()) {
            String paymentsUrl = queue.getQueueUrl(b -> b.queueName("invoice-payments.fifo")).queueUrl();
            List<String> invoices = new ArrayList<>();
            for (int i = 0; i < 200; i++) { // the background traffic adds transactions to these
                String invoice = Long.toString(NEXT_INVOICE.incrementAndGet());
                put(dynamoDb, invoice, "W0", "$1", "warm-up");
                invoices.add(invoice);
            }
            awaitTotal(http, invoices.getLast(), Duration.ofMinutes(2));
            for (String target : TARGETS) { // warm the paths up, then drain the payment messages
                for (int p = 0; p < 5; p++) {
                    probe(dynamoDb, queue, paymentsUrl, http, new LinkedHashMap<>(), 0, target);
                }
            }
            try (Background warmUp = new Background(dynamoDb, invoices, 200)) {
                // The JIT of the service and of DynamoDB Local: without this, the first loaded phase measured the
                // warm-up (seconds at 100 writes/s, then tens of ms at 300, in a first version of this program).
                Thread.sleep(WARM_UP.toMillis());
            }
            drain(queue, paymentsUrl);
            for (int rate : RATES) {
                try (Background writes = new Background(dynamoDb, invoices, rate)) {
                    Thread.sleep(1000);
                    for (String target : TARGETS) {
                        for (int p = 0; p < PROBES; p++) {
                            if (!probe(dynamoDb, queue, paymentsUrl, http, run.latencies, rate, target)) {
                                run.probesMissed++;
                            }
                            Thread.sleep(20 + (p * 37) % 50);
                        }
                    }
                    run.achieved.put(rate, writes.achieved());
                }
            }
            try (Background writes = new Background(dynamoDb, invoices, 200)) {
                Thread.sleep(20_000);
                run.heapMiB = heapAfterFullGc(service.pid());
            }
        }
        service.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        Process restarted = start(command, dir, http, "restart");
        run.restartMillis = lastStartMillis;
        restarted.destroy();
        if (!restarted.waitFor(60, TimeUnit.SECONDS)) {
            restarted.destroyForcibly();
        }
        System.out.printf("start %d ms, restart after kill -9 %d ms, heap %.0f MiB, probes missed %d%n",
                run.startMillis, run.restartMillis, run.heapMiB, run.probesMissed);
        return run;
    }

    static long lastStartMillis;

    /** Starts the service and waits until it is ready; {@link #lastStartMillis} is how long that took. */
    static Process start(List<String> command, Path dir, int http, String what) throws Exception {
        long begin = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("service.log").toFile())).start();
        long deadline = begin + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service stopped at its " + what + "; see " + dir.resolve("service.log"));
            }
            if (status(http, "/q/health/ready") == 200) {
                lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
                return process;
            }
            Thread.sleep(10);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the service was not ready within 3 minutes; see " + dir.resolve("service.log"));
    }

    /**
     * One probe: a new invoice, then one target read every 5 ms (as the client of issue 14 did) until it shows the
     * change; false if it never did within 10 s. Each target is probed on its own, so one poller's load is the same
     * for all three.
     */
    private static boolean probe(DynamoDbClient dynamoDb, SqsClient queue, String paymentsUrl, int http,
                                 Map<String, List<Long>> latencies, int rate, String target) throws Exception {
        String invoice = Long.toString(NEXT_INVOICE.incrementAndGet());
        String word = "probe" + invoice;
        put(dynamoDb, invoice, "P1", "$7", word);
        long acknowledged = System.nanoTime();
        long deadline = acknowledged + TimeUnit.SECONDS.toNanos(10);
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline) {
            seen = switch (target) {
                case "total" -> status(http, "/invoices/" + invoice + "/total") == 200;
                case "search" -> body(http, "/search?q=" + word).contains("\"total\":1");
                case "payment" -> paymentSeen(queue, paymentsUrl, invoice);
                default -> throw new IllegalArgumentException(target);
            };
            if (!seen) {
                Thread.sleep(5);
            }
        }
        if (seen) {
            latencies.computeIfAbsent(rate + "|" + target, k -> new ArrayList<>())
                    .add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acknowledged));
        }
        return seen;
    }

    /** Reads and deletes what the payment queue holds; true if a message of the invoice was among it. */
    private static boolean paymentSeen(SqsClient queue, String url, String invoice) {
        boolean seen = false;
        for (Message m : queue.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
                .messages()) {
            queue.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            seen |= m.body().contains("\"" + invoice + "\"");
        }
        return seen;
    }

    private static void put(DynamoDbClient dynamoDb, String invoice, String transaction, String amount, String word) {
        dynamoDb.putItem(b -> b.tableName("InvoiceTransactions").item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice),
                "TransactionIdentifier", AttributeValue.fromS(transaction),
                "Amount", AttributeValue.fromS(amount),
                "Trans_country", AttributeValue.fromS("USA"),
                "Invoice_dt", AttributeValue.fromS("06062016"),
                "InvoiceDoc", AttributeValue.fromS("{\"Vendor Name\":\"" + word + " Inc\",\"ItemsDesc\":"
                        + "[{\"laptops\":1}]}"))));
    }

    private static void awaitTotal(int http, String invoice, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (status(http, "/invoices/" + invoice + "/total") != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("invoice " + invoice + " has no total after " + within);
            }
            Thread.sleep(50);
        }
    }

    private static void drain(SqsClient queue, String url) {
        List<Message> got;
        do {
            got = queue.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            got.forEach(m -> queue.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
        } while (!got.isEmpty());
    }

    /**
     * Adds transactions to existing invoices at a steady rate: a timer starts each write on its own virtual thread,
     * so a slow PutItem does not lower the rate, up to {@value #IN_FLIGHT} writes in flight; a tick beyond that is
     * skipped, as a client that cannot get ahead of the table would. {@link #achieved} tells the rate the table
     * acknowledged.
     */
    private static final class Background implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final java.util.concurrent.ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
        private final AtomicLong sequence = new AtomicLong();
        private final AtomicLong acknowledged = new AtomicLong();
        private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(IN_FLIGHT);
        private final long started = System.nanoTime();
        private static final int IN_FLIGHT = 16;

        Background(DynamoDbClient dynamoDb, List<String> invoices, int perSecond) {
            if (perSecond > 0) {
                timer.scheduleAtFixedRate(() -> {
                    if (!inFlight.tryAcquire()) {
                        return;
                    }
                    writers.execute(() -> {
                        long n = sequence.incrementAndGet();
                        try {
                            put(dynamoDb, invoices.get((int) (n % invoices.size())), "B" + n, "$1", "background");
                            acknowledged.incrementAndGet();
                        } catch (RuntimeException e) {
                            if (!timer.isShutdown()) {
                                System.err.println("background write failed: " + e);
                            }
                        } finally {
                            inFlight.release();
                        }
                    });
                }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
            }
        }

        /** Writes acknowledged per second since the start. */
        double achieved() {
            return acknowledged.get() / ((System.nanoTime() - started) / 1e9);
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdownNow();
            writers.shutdown();
            writers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** The heap in use after a full GC, read from the service's own JVM with jcmd. */
    private static double heapAfterFullGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("jcmd GC.heap_info gave no heap use: " + info);
        }
        return Long.parseLong(used.group(1)) / 1024.0;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String body(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---- report ----

    private static String render(Map<String, List<Run>> results) {
        StringBuilder out = new StringBuilder(BenchmarkReport.measured()).append(" ").append(RUNS)
                .append(RUNS == 1 ? " run" : " runs").append(" of each configuration, ").append(PROBES).append(" probes per rate and run; each cell is"
                        + " the range over the runs. Latency is from PutItem acknowledged to the first read that shows"
                        + " the change.\n\n");
        out.append("| store | setting | writes/s (acknowledged) | total p50 | total p90 | total p99 | total max | search p50 | search"
                + " p99 | payment p50 | payment p99 |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            String[] key = e.getKey().split("\\|");
            for (int rate : RATES) {
                out.append("| ").append(key[0]).append(" | ").append(key[1]).append(" | ").append(rate);
                if (rate > 0) {
                    out.append(" (").append(range(e.getValue().stream().map(r -> r.achieved.getOrDefault(rate,
                            Double.NaN)).toList(), "%.0f")).append(")");
                }
                for (String[] cell : new String[][] {{"total", "50"}, {"total", "90"}, {"total", "99"},
                        {"total", "100"}, {"search", "50"}, {"search", "99"}, {"payment", "50"}, {"payment", "99"}}) {
                    List<Double> values = e.getValue().stream()
                            .map(r -> percentile(r.latencies.get(rate + "|" + cell[0]), Integer.parseInt(cell[1])))
                            .toList();
                    out.append(" | ").append(range(values, "%.0f ms"));
                }
                out.append(" |\n");
            }
        }
        out.append("\n| store | setting | start to ready | restart to ready after kill -9 | heap after full GC,"
                + " following 200 writes/s | probes that timed out |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            String[] key = e.getKey().split("\\|");
            List<Run> runs = e.getValue();
            out.append("| ").append(key[0]).append(" | ").append(key[1])
                    .append(" | ").append(range(runs.stream().map(r -> r.startMillis / 1000.0).toList(), "%.1f s"))
                    .append(" | ").append(range(runs.stream().map(r -> r.restartMillis / 1000.0).toList(), "%.1f s"))
                    .append(" | ").append(range(runs.stream().map(r -> r.heapMiB).toList(), "%.0f MiB"))
                    .append(" | ").append(runs.stream().mapToInt(r -> r.probesMissed).sum()).append(" |\n");
        }
        return out.toString().stripTrailing();
    }

    private static double percentile(List<Long> values, int p) {
        if (values == null || values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static String range(List<Double> values, String format) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        String low = String.format(format, min);
        return String.format(format, min).equals(String.format(format, max)) ? low
                : low.replaceAll(" .*", "") + "–" + String.format(format, max);
    }
}
