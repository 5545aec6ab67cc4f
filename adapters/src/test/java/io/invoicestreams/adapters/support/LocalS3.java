package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real S3-compatible server for tests: s3proxy with a filesystem store, as a child JVM for the whole test JVM. */
public final class LocalS3 {

    private static Process server;
    private static URI endpoint;

    private LocalS3() {
    }

    public static synchronized URI endpoint() {
        if (server == null) {
            try {
                Path lib = Path.of(System.getProperty("s3proxy.lib", "s3proxy/target/s3proxy/lib"));
                if (!Files.isDirectory(lib)) {
                    throw new IllegalStateException("s3proxy is not at " + lib.toAbsolutePath()
                            + ": build it with ./mvnw install (module adapters/s3proxy)");
                }
                int port = LocalDynamoDb.freePort();
                Path store = Files.createTempDirectory("s3proxy-store");
                Path properties = Files.createTempFile("s3proxy", ".properties");
                Files.writeString(properties, String.join("\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=none",
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + store.toAbsolutePath()) + "\n");
                String java = ProcessHandle.current().info().command().orElse("java");
                server = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", lib.toAbsolutePath() + "/*",
                        "org.gaul.s3proxy.Main", "--properties", properties.toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(Files.createTempFile("s3proxy", ".log").toFile()))
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!io.invoicestreams.adapters.dynamodb.DynamoDbLocalServer.isListening(port)) {
                    if (!server.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("s3proxy did not start on port " + port);
                    }
                    Thread.sleep(100);
                }
                endpoint = URI.create("http://127.0.0.1:" + port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return endpoint;
    }
}
