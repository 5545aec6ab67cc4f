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

    private final ProcessHandle process;
    private final int port;

    private DynamoDbLocalServer(ProcessHandle process, int port) {
        this.process = process;
        this.port = port;
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
            return new DynamoDbLocalServer(adopted.get(), port);
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
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "--enable-native-access=ALL-UNNAMED",
                "-cp", libDirectory.toAbsolutePath() + "/*" + launcher.map(p -> System.getProperty("path.separator") + p)
                        .orElse(""), launcher.isPresent() ? LAUNCHER : MAIN, "-port", Integer.toString(port),
                "-sharedDb", "-disableTelemetry"));
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
        DynamoDbLocalServer server = new DynamoDbLocalServer(process.toHandle(), port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isListening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("DynamoDB Local exited with " + process.exitValue() + "; see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("DynamoDB Local did not open port " + port + " in " + timeout
                        + "; see " + logFile);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.close();
                throw new IOException("interrupted while DynamoDB Local started", e);
            }
        }
        LOG.info("DynamoDB Local listens on 127.0.0.1:{} ({})", port,
                dataDirectory == null ? "in memory" : dataDirectory);
        return server;
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
            process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
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
