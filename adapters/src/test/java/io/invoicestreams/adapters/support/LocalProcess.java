package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An emulator started as a process of its own for the whole test JVM, on a loopback port, stopped with the JVM. */
final class LocalProcess {

    private LocalProcess() {
    }

    /**
     * Starts the command, its output appended to a temporary log, and waits up to 30 s for the port to listen.
     *
     * @param name        what it is, for the log's name and the failure's message
     * @param environment added to the process's environment
     * @return its endpoint, {@code http://127.0.0.1:port}
     */
    static URI start(String name, List<String> command, Map<String, String> environment, int port)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(name, ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process server = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!io.invoicestreams.adapters.dynamodb.DynamoDbLocalServer.isListening(port)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                server.destroy();
                throw new IllegalStateException(name + " did not start on port " + port + "; see " + log);
            }
            Thread.sleep(100);
        }
        return URI.create("http://127.0.0.1:" + port);
    }
}
