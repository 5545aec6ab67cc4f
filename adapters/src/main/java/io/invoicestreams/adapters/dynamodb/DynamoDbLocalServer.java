package io.invoicestreams.adapters.dynamodb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local 2.6.1 (with streams) as a child JVM, so its bundled Kotlin, Jetty, log4j and old Jackson stay off
 * the service's classpath. Its jars are laid out by the {@code adapters/dynamodb-local} module.
 */
public final class DynamoDbLocalServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbLocalServer.class);
    static final String MAIN = "com.amazonaws.services.dynamodbv2.local.main.ServerRunner";
    /** Starts {@link #MAIN}'s server on 127.0.0.1 only. */
    static final String LAUNCHER = LoopbackDynamoDbLocal.class.getName();
    /**
     * Its JVM's options unless told otherwise, as {@link #options} reads them: a capped heap, C1 only and one GC
     * thread, to boot on little CPU. The default of the service's {@code invoice.dynamodb.local.jvm-options} too.
     */
    public static final String DEFAULT_JVM_OPTIONS = "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    private final ProcessHandle process;
    /** The process this server launched; null for an adopted orphan. */
    private final Process child;
    private final int port;
    private final Path logFile;
    private final String serves;
    private volatile boolean listening;
    /** How long {@link #close} waits for it to exit; longer while it writes the AOT cache of a training run. */
    private final Duration stopWithin;

    private DynamoDbLocalServer(ProcessHandle process, Process child, int port, Path logFile, String serves,
                                Duration stopWithin) {
        this.process = process;
        this.child = child;
        this.port = port;
        this.logFile = logFile;
        this.serves = serves;
        this.stopWithin = stopWithin;
    }

    /** JVM options given as one line, split at white space. */
    public static List<String> options(String line) {
        return java.util.Arrays.stream(line.strip().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    }

    /**
     * Starts DynamoDB Local on 127.0.0.1:{@code port}.
     *
     * @param libDirectory the folder of its jars
     * @param dataDirectory where it keeps its database; null keeps it in memory
     * @param logFile      where its output goes
     */
    public static DynamoDbLocalServer start(Path libDirectory, int port, Path dataDirectory, Path logFile,
                                            Duration timeout) throws IOException {
        DynamoDbLocalServer server = launch(libDirectory, port, dataDirectory, logFile, options(DEFAULT_JVM_OPTIONS));
        server.awaitListening(timeout);
        return server;
    }

    /**
     * Starts DynamoDB Local as {@link #start} does, without waiting for its port: its JVM boots while the caller goes
     * on, and {@link #awaitListening} waits before the first call. An orphan that is adopted listens already.
     */
    public static DynamoDbLocalServer launch(Path libDirectory, int port, Path dataDirectory, Path logFile,
                                             List<String> jvmOptions) throws IOException {
        if (!Files.isDirectory(libDirectory) || !Files.exists(libDirectory.resolve("DynamoDBLocal-2.6.1.jar"))) {
            throw new IllegalStateException("DynamoDB Local is not at " + libDirectory.toAbsolutePath()
                    + ": build it with ./mvnw install (module adapters/dynamodb-local), or point"
                    + " invoice.dynamodb.local.lib at its lib folder");
        }
        Path pidFile = logFile.toAbsolutePath().resolveSibling("dynamodb-local.pid");
        Optional<ProcessHandle> adopted = adoptOrStopOrphan(pidFile, port, dataDirectory);
        if (adopted.isPresent()) {
            LOG.info("DynamoDB Local (pid {}) left running by an earlier run on 127.0.0.1:{} serves {}: using it",
                    adopted.get().pid(), port, dataDirectory);
            DynamoDbLocalServer server = new DynamoDbLocalServer(adopted.get(), null, port, logFile,
                    String.valueOf(dataDirectory), Duration.ofSeconds(10));
            server.listening = true;
            return server;
        }
        if (isListening(port)) {
            throw new IllegalStateException("port " + port + " is already in use: stop what listens there, or"
                    + " set invoice.dynamodb.local.port to a free port");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Optional<Path> launcher = ownCode();
        if (launcher.isEmpty()) {
            LOG.warn("cannot find this service's own classes to bind DynamoDB Local to 127.0.0.1: it listens on every"
                    + " interface");
        }
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        Path cache = aotCache(libDirectory);
        boolean training = jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:AOTCacheOutput"));
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:AOT")) && Files.isRegularFile(cache)) {
            // Its warnings about code it could not link are no news for the log; an error still shows.
            command.addAll(List.of("-XX:AOTCache=" + cache.toAbsolutePath(), "-Xlog:aot*=error"));
        }
        String classPath = libDirectory.toAbsolutePath() + "/*"
                + launcher.map(p -> System.getProperty("path.separator") + p).orElse("");
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                launcher.isPresent() ? LAUNCHER : MAIN, "-port", Integer.toString(port), "-sharedDb",
                "-disableTelemetry"));
        if (dataDirectory == null) {
            command.add("-inMemory");
        } else {
            Files.createDirectories(dataDirectory);
            command.addAll(List.of("-dbPath", dataDirectory.toAbsolutePath().toString()));
        }
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        Files.writeString(pidFile, Long.toString(process.pid()));
        return new DynamoDbLocalServer(process.toHandle(), process, port, logFile,
                dataDirectory == null ? "in memory" : dataDirectory.toString(),
                training ? Duration.ofMinutes(2) : Duration.ofSeconds(10));
    }

    /**
     * The AOT cache the build trains for DynamoDB Local's JVM ({@code dynamodb-local.aot} beside its lib folder). It
     * holds its classes loaded and linked, and halves the CPU it spends on starting (ADR 0033). It is used when it is
     * there; a JVM that cannot map it (another JDK, other jars) says so in its log and starts without it.
     */
    public static Path aotCache(Path libDirectory) {
        return libDirectory.toAbsolutePath().getParent().resolve("dynamodb-local.aot");
    }

    /**
     * Waits until the server listens; at once when it does already. If it exits or stays silent past the timeout, it
     * is stopped and the error names its log.
     */
    public void awaitListening(Duration timeout) throws IOException {
        if (listening) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isListening(port)) {
            if (!process.isAlive()) {
                String code = child == null ? "" : " with " + child.exitValue();
                throw new IllegalStateException("DynamoDB Local exited" + code + "; see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("DynamoDB Local did not open port " + port + " in " + timeout
                        + "; see " + logFile);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IOException("interrupted while DynamoDB Local started", e);
            }
        }
        listening = true;
        LOG.info("DynamoDB Local listens on 127.0.0.1:{} ({})", port, serves);
    }

    /** The jar or folder that holds this class, to put {@link LoopbackDynamoDbLocal} on DynamoDB Local's class path. */
    static Optional<Path> ownCode() {
        try {
            var source = LoopbackDynamoDbLocal.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path code = Path.of(source.getLocation().toURI());
            return Files.exists(code) ? Optional.of(code) : Optional.empty();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A service killed with SIGKILL leaves its DynamoDB Local child running on the port. If the recorded process is
     * still alive, is a DynamoDB Local server on this port, and its parent is no longer a running JVM, it is our
     * orphan. When it serves the same data folder and answers on its port, it is adopted: a restart after a crash
     * then does not wait for DynamoDB Local to stop and start again (seconds of a failover). Otherwise (in memory, or
     * another folder) it is stopped. If its parent is a running JVM, another instance of the service on the same
     * data folder uses it: refuse, rather than pull it from under that service. Anything else is left alone.
     *
     * @return the orphan, adopted
     */
    private static Optional<ProcessHandle> adoptOrStopOrphan(Path pidFile, int port, Path dataDirectory)
            throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String recorded = Files.readString(pidFile).strip();
        Optional<ProcessHandle> server;
        try {
            server = ProcessHandle.of(Long.parseLong(recorded)).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> (c.contains(MAIN) || c.contains(LAUNCHER))
                            && c.contains("-port " + port))
                            .orElse(false));
        } catch (NumberFormatException e) {
            server = Optional.empty();
        }
        if (server.isEmpty()) {
            Files.deleteIfExists(pidFile);
            return Optional.empty();
        }
        ProcessHandle p = server.get();
        Optional<ProcessHandle> owner = p.parent().filter(ProcessHandle::isAlive)
                .filter(parent -> parent.info().command().map(c -> c.endsWith("java")).orElse(false));
        if (owner.isPresent()) {
            throw new IllegalStateException("DynamoDB Local on port " + port + " belongs to a running instance of the"
                    + " service (pid " + owner.get().pid() + ") on the same data folder: stop that instance first, or"
                    + " use its HTTP API (for a rebuild: POST /admin/projections/NAME/rebuild)");
        }
        boolean sameData = dataDirectory != null && p.info().commandLine()
                .map(c -> c.contains("-dbPath " + dataDirectory.toAbsolutePath())).orElse(false);
        if (sameData && isListening(port)) {
            return Optional.of(p);
        }
        Files.deleteIfExists(pidFile);
        LOG.warn("Stopping DynamoDB Local (pid {}) left running by an earlier run on port {}", p.pid(), port);
        p.destroy();
        try {
            p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
        return Optional.empty();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.onExit().get(stopWithin.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // gone or going; nothing more to do
            }
        }
    }
}
