package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** A server in a child JVM for the whole test JVM, on a loopback port, with its output in a temporary log file. */
public final class ChildServer {

    private ChildServer() {
    }

    /** Starts {@code java arguments…} (JVM options first) and returns its endpoint once the port accepts connections. */
    public static URI start(String name, int port, Map<String, String> environment, List<String> arguments)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Files.createTempFile(name, ".log").toFile()));
        builder.environment().putAll(environment);
        Process server = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        long deadline = System.nanoTime() + 90_000_000_000L;
        try {
            while (!io.invoicestreams.adapters.dynamodb.DynamoDbLocalServer.isListening(port)) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    server.destroy();
                    throw new IllegalStateException(name + " did not start on port " + port);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return URI.create("http://127.0.0.1:" + port);
    }
}
