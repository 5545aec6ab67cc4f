package io.invoicestreams.adapters.support;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.dynamodb.DynamoDbLocalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** One real DynamoDB Local (child JVM, in memory) for the whole test JVM. */
public final class LocalDynamoDb {

    private static DynamoDbLocalServer server;

    private LocalDynamoDb() {
    }

    public static synchronized DynamoDbClients clients() {
        if (server == null) {
            try {
                Path lib = Path.of(System.getProperty("dynamodb.local.lib",
                        "dynamodb-local/target/dynamodb-local/lib"));
                Path log = Files.createTempFile("dynamodb-local", ".log");
                server = DynamoDbLocalServer.start(lib, freePort(), null, log, Duration.ofSeconds(60));
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return DynamoDbClients.local(server.endpoint());
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
