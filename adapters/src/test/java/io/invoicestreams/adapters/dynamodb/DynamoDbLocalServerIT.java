package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.adapters.support.LocalDynamoDb;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamoDbLocalServerIT {

    private static final Path LIB = Path.of(System.getProperty("dynamodb.local.lib",
            "dynamodb-local/target/dynamodb-local/lib"));

    @TempDir
    Path data;

    @Test
    void a_server_left_running_by_a_killed_service_is_stopped_and_replaced() throws Exception {
        int port = LocalDynamoDb.freePort();
        // A service killed with SIGKILL leaves its child to init: start one through a shell that exits at once.
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Path pidFile = data.resolve("dynamodb-local.pid");
        new ProcessBuilder("sh", "-c", "'" + javaCommand + "' -Xmx256m -cp '" + LIB.toAbsolutePath() + "/*' "
                + DynamoDbLocalServer.MAIN + " -port " + port + " -inMemory -disableTelemetry > /dev/null 2>&1 &"
                + " echo $! > '" + pidFile + "'").start().waitFor();
        long orphanPid = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> DynamoDbLocalServer.isListening(port));
        try (DynamoDbLocalServer next = DynamoDbLocalServer.start(LIB, port, null, data.resolve("ddb.log"),
                Duration.ofSeconds(60))) {
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(next.pid()).isNotEqualTo(orphanPid);
            assertThat(DynamoDbLocalServer.isListening(port)).isTrue();
        } finally {
            ProcessHandle.of(orphanPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void a_server_left_running_on_the_same_data_folder_is_adopted_with_its_data_and_stopped_on_close() throws Exception {
        int port = LocalDynamoDb.freePort();
        Path db = data.resolve("dynamodb");
        java.nio.file.Files.createDirectories(db);
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Path pidFile = data.resolve("dynamodb-local.pid");
        new ProcessBuilder("sh", "-c", "'" + javaCommand + "' -Xmx256m -cp '" + LIB.toAbsolutePath() + "/*' "
                + DynamoDbLocalServer.MAIN + " -port " + port + " -sharedDb -disableTelemetry -dbPath '"
                + db.toAbsolutePath() + "' > /dev/null 2>&1 & echo $! > '" + pidFile + "'").start().waitFor();
        long orphanPid = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> DynamoDbLocalServer.isListening(port));
            var clients = io.invoicestreams.adapters.dynamodb.DynamoDbClients.local(
                    java.net.URI.create("http://127.0.0.1:" + port));
            new InvoiceTransactionsTable(clients.dynamoDb(), "Kept").createIfMissing(Duration.ofSeconds(30));

            try (DynamoDbLocalServer next = DynamoDbLocalServer.start(LIB, port, db, data.resolve("ddb.log"),
                    Duration.ofSeconds(60))) {
                assertThat(next.pid()).as("the orphan serves on").isEqualTo(orphanPid);
                assertThat(clients.dynamoDb().listTables().tableNames()).contains("Kept");
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> !ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false));
        } finally {
            ProcessHandle.of(orphanPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void a_server_of_a_running_instance_on_the_same_data_folder_is_not_taken_away() throws Exception {
        int port = LocalDynamoDb.freePort();
        try (DynamoDbLocalServer running = DynamoDbLocalServer.start(LIB, port, null, data.resolve("ddb.log"),
                Duration.ofSeconds(60))) {
            assertThatThrownBy(() -> DynamoDbLocalServer.start(LIB, port, null, data.resolve("ddb.log"),
                    Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("belongs to a running instance of the service (pid "
                            + ProcessHandle.current().pid() + ")");
            assertThat(DynamoDbLocalServer.isListening(port)).isTrue();
            assertThat(ProcessHandle.of(running.pid()).map(ProcessHandle::isAlive)).contains(true);
        }
    }

    @Test
    void a_port_held_by_something_else_is_left_alone_with_a_clear_error() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> DynamoDbLocalServer.start(LIB, other.getLocalPort(), null,
                    data.resolve("ddb.log"), Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + other.getLocalPort() + " is already in use: stop what listens there, or"
                            + " set invoice.dynamodb.local.port to a free port");
            assertThat(other.isClosed()).isFalse();
        }
    }

    /**
     * ADR 0033: a launch returns before the server listens, and the first use waits for it. A cache file beside the
     * jars is handed to its JVM; one it cannot map (here: not a cache at all) is said in its log, and it starts
     * without it. That the build's trained caches are mapped is {@code AotCacheIT}'s part, on the packaged service.
     */
    @Test
    void a_launch_is_waited_for_at_first_use_and_a_cache_it_cannot_map_is_logged_not_fatal() throws Exception {
        Path lib = data.resolve("dist/lib");
        java.nio.file.Files.createDirectories(lib);
        try (var jars = java.nio.file.Files.list(LIB)) {
            for (Path jar : jars.toList()) {
                java.nio.file.Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        Path cache = DynamoDbLocalServer.aotCache(lib);
        assertThat(cache).isEqualTo(data.resolve("dist/dynamodb-local.aot").toAbsolutePath());
        java.nio.file.Files.writeString(cache, "not an AOT cache");
        int port = LocalDynamoDb.freePort();
        try (DynamoDbLocalServer server = DynamoDbLocalServer.launch(lib, port, null, data.resolve("ddb.log"),
                DynamoDbLocalServer.options(DynamoDbLocalServer.DEFAULT_JVM_OPTIONS))) {
            assertThat(DynamoDbLocalServer.isListening(port)).as("listening as soon as launched").isFalse();
            server.awaitListening(Duration.ofSeconds(60));
            assertThat(DynamoDbLocalServer.isListening(port)).isTrue();
            assertThat(ProcessHandle.of(server.pid()).flatMap(p -> p.info().commandLine()).orElseThrow())
                    .contains("-XX:AOTCache=" + cache);
            var clients = DynamoDbClients.local(java.net.URI.create("http://127.0.0.1:" + port));
            new InvoiceTransactionsTable(clients.dynamoDb(), "Served").createIfMissing(Duration.ofSeconds(30));
            assertThat(clients.dynamoDb().listTables().tableNames()).contains("Served");
        }
        assertThat(java.nio.file.Files.readString(data.resolve("ddb.log"))).contains("[error][aot");
    }

    @Test
    void a_missing_distribution_says_how_to_build_it() {
        assertThatThrownBy(() -> DynamoDbLocalServer.start(data.resolve("nowhere"), 1, null, data.resolve("x.log"),
                Duration.ofSeconds(1)))
                .hasMessageContaining("build it with ./mvnw install (module adapters/dynamodb-local)");
    }

    /** Issue 18: the embedded DynamoDB Local listens on the loopback address only, not on every interface. */
    @Test
    void it_listens_on_the_loopback_address_only() throws Exception {
        int port = LocalDynamoDb.freePort();
        try (DynamoDbLocalServer server = DynamoDbLocalServer.start(LIB, port, null, data.resolve("ddb.log"),
                Duration.ofSeconds(60))) {
            assertThat(io.invoicestreams.adapters.support.Listening.addresses(port)).isNotEmpty()
                    .allSatisfy(address -> assertThat(io.invoicestreams.adapters.support.Listening.loopback(address))
                            .as(address).isTrue());
            assertThat(DynamoDbLocalServer.isListening(port)).isTrue();
        }
    }
}
