package io.invoicestreams.app.bench;

import io.invoicestreams.adapters.bench.BenchmarkReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Start to ready of the packaged service on the embedded default, as its own process (issue 14, ADR 0033). Each run
 * starts {@code quarkus-run.jar} on an empty data folder with DynamoDB Local beside it, as the README does, and times
 * from the launch to the first {@code 200} of {@code /q/health/ready} (the stream read once, the store reachable).
 * It reads the CPU seconds the service and DynamoDB Local's JVM spent by then from {@code /proc}, then kills the
 * service with SIGKILL {@value #RESTARTS} times and times each restart, which adopts the DynamoDB Local left running.
 * Two settings alternate run by run:
 * <ul>
 *   <li>with the AOT caches the build trained ({@code -XX:AOTCache=app.aot}; DynamoDB Local's own cache and JVM
 *       options by default);</li>
 *   <li>without them (the baseline): no cache for either JVM, and DynamoDB Local on the JVM's default compilers and
 *       collector with the heap cap it always had.</li>
 * </ul>
 * Linux only (it reads {@code /proc}). Run it with
 * {@code ./mvnw -pl app -am install -DskipTests && ./mvnw -pl app exec:java -Pbench -Dbench.main=io.invoicestreams.app.bench.StartupBenchmark}.
 */
public final class StartupBenchmark {

    private static final int RUNS = Integer.getInteger("bench.runs", 4);
    private static final int RESTARTS = 2;
    private static final Path JAR = Path.of(System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar"))
            .toAbsolutePath();
    private static final long TICKS = 100; // USER_HZ: /proc reports CPU time in 1/100 s

    private record Setting(String name, List<String> options) {
    }

    /** One run's figures, in seconds. */
    private record Run(double start, double serviceCpu, double tableCpu, List<Double> restarts) {
    }

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        Path cache = JAR.resolveSibling("app.aot");
        if (!Files.isRegularFile(cache) || !Files.isRegularFile(
                JAR.resolveSibling("dynamodb-local").resolve("dynamodb-local.aot"))) {
            throw new IllegalStateException("the AOT caches are missing beside " + JAR
                    + ": run ./mvnw package -DskipTests without -Dinvoice.aot.skip first");
        }
        List<Setting> settings = List.of(
                new Setting("with the AOT caches the build trained", List.of("-XX:AOTCache=" + cache,
                        "-Xlog:aot*=error")),
                new Setting("without them (baseline)", List.of(
                        "-Dinvoice.dynamodb.local.jvm-options=-Xmx384m -XX:AOTMode=off")));
        Map<String, List<Run>> results = new LinkedHashMap<>();
        for (int run = 0; run < RUNS; run++) {
            for (Setting setting : settings) {
                System.out.printf("%n== %s, run %d%n", setting.name(), run + 1);
                Run measured = measure(setting);
                System.out.printf("start %.2f s (CPU: service %.1f s, DynamoDB Local %.1f s), restarts %s%n",
                        measured.start(), measured.serviceCpu(), measured.tableCpu(), measured.restarts());
                results.computeIfAbsent(setting.name(), k -> new ArrayList<>()).add(measured);
            }
        }
        BenchmarkReport.replaceSection(report, "startup", render(results));
    }

    private static Run measure(Setting setting) throws Exception {
        Path dir = Files.createTempDirectory("startup-bench");
        System.out.println("service folder and log: " + dir);
        int http = LatencyBenchmark.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(setting.options());
        command.addAll(List.of("-Dquarkus.http.port=" + http, "-Dinvoice.data-dir=" + dir.resolve("data"),
                "-Dinvoice.dynamodb.local.port=" + LatencyBenchmark.freePort(),
                "-Dinvoice.notifications.sqs.embedded-port=" + LatencyBenchmark.freePort(),
                "-jar", JAR.toString()));
        Process service = LatencyBenchmark.start(command, dir, http, "start");
        double start = LatencyBenchmark.lastStartMillis / 1000.0;
        double serviceCpu = cpuSeconds(service.pid());
        Optional<ProcessHandle> table = service.toHandle().children()
                .filter(p -> p.info().commandLine().orElse("").contains("DynamoDbLocal")).findFirst();
        double tableCpu = table.map(p -> cpuSeconds(p.pid())).orElse(Double.NaN);
        List<Double> restarts = new ArrayList<>();
        try {
            for (int i = 0; i < RESTARTS; i++) {
                Thread.sleep(2_000);
                service.destroyForcibly();
                service.waitFor();
                service = LatencyBenchmark.start(command, dir, http, "restart");
                restarts.add(LatencyBenchmark.lastStartMillis / 1000.0);
            }
        } finally {
            service.destroy();
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            table.ifPresent(ProcessHandle::destroy); // adopted after the kills: no longer the service's child
        }
        return new Run(start, serviceCpu, tableCpu, restarts);
    }

    /** User and system CPU time of a process so far, from /proc/PID/stat (fields 14 and 15). */
    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state): utime is field 14, stime field 15
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) TICKS;
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    private static String render(Map<String, List<Run>> results) {
        StringBuilder out = new StringBuilder(BenchmarkReport.measured()).append(' ').append(RUNS)
                .append(" runs of each setting, alternating; each cell is the range over the runs. Start: launch to the"
                        + " first 200 of /q/health/ready on an empty data folder. Restart: the same after a SIGKILL of"
                        + " the service, ").append(RESTARTS).append(" per run. CPU: seconds the process had used when"
                        + " the service was first ready.\n\n")
                .append("| setting | start to ready | restart to ready after kill -9 | CPU, service | CPU, DynamoDB Local |\n")
                .append("|---|---|---|---|---|\n");
        results.forEach((name, runs) -> out.append("| ").append(name)
                .append(" | ").append(LatencyBenchmark.range(runs.stream().map(Run::start).toList(), "%.1f s"))
                .append(" | ").append(LatencyBenchmark.range(runs.stream().flatMap(r -> r.restarts().stream()).toList(),
                        "%.1f s"))
                .append(" | ").append(LatencyBenchmark.range(runs.stream().map(Run::serviceCpu).toList(), "%.1f s"))
                .append(" | ").append(LatencyBenchmark.range(runs.stream().map(Run::tableCpu).toList(), "%.1f s"))
                .append(" |\n"));
        return out.toString();
    }
}
