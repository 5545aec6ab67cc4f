package io.invoicestreams.app.dynamodb;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.dynamodb.DynamoDbLocalServer;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsQueries;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.invoicestreams.app.Closing;
import io.invoicestreams.app.CoreAssembly.DataDir;
import io.invoicestreams.app.Invocation;
import io.invoicestreams.app.InvoiceStreamsConfig;
import io.invoicestreams.projections.reporting.InvoiceTransactions;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB: the endpoint (AWS, a given one, or DynamoDB Local started as a child JVM), its clients, the
 * InvoiceTransactions table (created when missing) and the queries over it.
 */
@Singleton
public class DynamoDbAssembly {

    /** How long DynamoDB Local may take to open its port. */
    static final Duration LOCAL_START = Duration.ofSeconds(60);

    /**
     * Where DynamoDB answers, and the DynamoDB Local this process started, if any. A DynamoDB Local that was launched
     * may still be booting; {@link #ready} waits for it.
     */
    public record Endpoint(DynamoDbClients clients, Optional<DynamoDbLocalServer> local) implements AutoCloseable {

        /** This endpoint, once DynamoDB Local (when it is ours) listens. */
        public Endpoint ready() {
            local.ifPresent(server -> {
                try {
                    server.awaitListening(LOCAL_START);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start DynamoDB Local: " + e.getMessage(), e);
                }
            });
            return this;
        }

        @Override
        public void close() {
            local.ifPresent(Closing::close);
        }
    }

    /**
     * Launches DynamoDB Local first thing at start-up, so that its JVM boots while the event store and the read models
     * are assembled rather than before; the clients wait for its port ({@link Endpoint#ready}). On 2 cores this gains
     * little by itself, the CPU being the limit; with the AOT caches it keeps DynamoDB Local off the main thread's
     * path (ADR 0033).
     */
    void launchFirst(@Observes @Priority(0) StartupEvent event, Invocation invocation, Instance<Endpoint> endpoint) {
        if (invocation.mode().runsStore()) {
            endpoint.get(); // with no DynamoDB Local to start, only the clients: made now instead of a moment later
        }
    }

    @Produces
    @Singleton
    Endpoint endpoint(InvoiceStreamsConfig config, DataDir data, Invocation invocation) {
        invocation.requireStore("start DynamoDB");
        Endpoint endpoint = startOrFind(config, data);
        return new Endpoint(endpoint.clients().withCallTimeout(config.aws().callTimeout()), endpoint.local());
    }

    private static Endpoint startOrFind(InvoiceStreamsConfig config, DataDir data) {
        var d = config.dynamodb();
        if (d.endpoint().isPresent()) {
            return new Endpoint(new DynamoDbClients(d.endpoint(), d.region().or(() -> Optional.of("us-east-1")),
                    config.aws().endpointCredentials()), Optional.empty());
        }
        if (!d.local().enabled()) {
            return new Endpoint(new DynamoDbClients(Optional.empty(), d.region()), Optional.empty());
        }
        try {
            int port = d.local().port() == 0 ? freePort() : d.local().port();
            DynamoDbLocalServer local = DynamoDbLocalServer.launch(d.local().lib().filter(l -> !l.isBlank())
                            .map(Path::of).orElseGet(DynamoDbAssembly::dynamoDbLocalLib), port,
                    d.local().inMemory() ? null : data.resolve("dynamodb"), data.resolve("dynamodb-local.log"),
                    DynamoDbLocalServer.options(d.local().jvmOptions()));
            return new Endpoint(DynamoDbClients.local(local.endpoint()), Optional.of(local));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start DynamoDB Local: " + e.getMessage(), e);
        }
    }

    void closeEndpoint(@Disposes Endpoint endpoint) {
        endpoint.close();
    }

    @Produces
    @Singleton
    DynamoDbClient dynamoDb(Endpoint endpoint) {
        return endpoint.ready().clients().dynamoDb();
    }

    void closeDynamoDb(@Disposes DynamoDbClient client) {
        Closing.close(client);
    }

    @Produces
    @Singleton
    DynamoDbStreamsClient streams(Endpoint endpoint) {
        return endpoint.ready().clients().streams();
    }

    void closeStreams(@Disposes DynamoDbStreamsClient client) {
        Closing.close(client);
    }

    @Produces
    @Singleton
    InvoiceTransactionsTable table(DynamoDbClient dynamoDb, InvoiceStreamsConfig config) {
        InvoiceTransactionsTable table = new InvoiceTransactionsTable(dynamoDb, config.table());
        if (config.createTable()) {
            table.createIfMissing(Duration.ofSeconds(60));
        }
        return table;
    }

    @Produces
    @Singleton
    InvoiceTransactions queries(DynamoDbClient dynamoDb, InvoiceTransactionsTable table) {
        return new InvoiceTransactionsQueries(dynamoDb, table);
    }

    /**
     * DynamoDB Local's jars next to the packaged application ({@code quarkus-app/dynamodb-local/lib}, laid out by the
     * build), found from the launcher jar on the class path; else the build's folder under the working folder.
     */
    static Path dynamoDbLocalLib() {
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (entry.endsWith("quarkus-run.jar")) {
                Path beside = Path.of(entry).toAbsolutePath().getParent().resolve("dynamodb-local").resolve("lib");
                if (java.nio.file.Files.isDirectory(beside)) {
                    return beside;
                }
            }
        }
        return Path.of("adapters", "dynamodb-local", "target", "dynamodb-local", "lib");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
