package io.invoicestreams.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The packaged service ({@code quarkus-run.jar}) as a real process of its own, for tests that kill it, cut its
 * dependencies or run two of it. Settings are passed as system properties; the HTTP port is a free one.
 */
final class ServiceProcess implements AutoCloseable {

    static final String ADMIN_KEY = "it-admin-key-0123456789";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Map<String, String> settings;
    private Path folder;
    private final Path log;
    private final int port;
    private Process process;
    private final List<String> jvmOptions = new ArrayList<>();

    /**
     * @param settings the service's configuration; the HTTP port and the admin key are added
     * @param log      where the process's output goes (appended, across restarts)
     */
    ServiceProcess(Map<String, String> settings, Path log) {
        this.settings = new TreeMap<>(settings);
        this.log = log;
        this.port = freePort();
        this.settings.put("quarkus.http.port", Integer.toString(port));
        this.settings.putIfAbsent("invoice.security.admin-keys", "it:" + ADMIN_KEY);
    }

    /** The HTTP port the service listens on. */
    int port() {
        return port;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path jar() {
        return Path.of(System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    }

    /** Adds options to the service's JVM (an AOT cache, say). */
    ServiceProcess withJvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** Runs the process in this working folder instead of the test's. */
    ServiceProcess in(Path folder) {
        this.folder = folder;
        return this;
    }

    /** Starts the process and waits until it answers on HTTP (not until it is ready). */
    ServiceProcess start(String... args) {
        List<String> command = command(args);
        try {
            process = new ProcessBuilder(command).directory(folder == null ? null : folder.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + jar(), e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (status("/q/health/live") != 200) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; see " + log);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the service did not answer within 90 s; see " + log);
            }
            pause(Duration.ofMillis(200));
        }
        return this;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or released. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The exit code of the process, which has ended. */
    int exitCode() {
        return process.exitValue();
    }

    /** The HTTP status of a GET, or -1 when the service does not answer. */
    int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    boolean ready() {
        return status("/q/health/ready") == 200;
    }

    HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header(ApiKeyAuthentication.HEADER, ADMIN_KEY).GET());
    }

    HttpResponse<String> post(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header(ApiKeyAuthentication.HEADER, ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> put(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header(ApiKeyAuthentication.HEADER, ADMIN_KEY)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /**
     * Runs a command of the service (rebuild, dlq, …) with the same settings to its end; returns its exit code. The
     * command serves on a free port of its own, so it can run next to the service.
     */
    int run(Duration timeout, String... args) {
        List<String> command = command(args);
        command.add(command.indexOf("-jar"), "-Dquarkus.http.port=0");
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!cli.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                cli.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " did not end within " + timeout);
            }
            return cli.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<String> command(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // No --enable-native-access: the jar's manifest allows it, and the flag would not match the AOT cache's.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx768m", "-Daxoniq.update-checker.disabled=true"));
        command.addAll(jvmOptions);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
