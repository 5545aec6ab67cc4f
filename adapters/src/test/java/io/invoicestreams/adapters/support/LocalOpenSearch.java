package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real single-node OpenSearch 3.8 for tests: a child JVM for the whole test JVM (module adapters/opensearch-node).
 * It stops when this JVM goes away, because its standard input closes.
 */
public final class LocalOpenSearch {

    private static URI endpoint;

    private LocalOpenSearch() {
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            Path lib = Path.of(System.getProperty("opensearch.node.lib", "opensearch-node/target/opensearch-node/lib"));
            if (!Files.isDirectory(lib)) {
                throw new IllegalStateException(lib.toAbsolutePath() + " is missing: build it with ./mvnw install"
                        + " (module adapters/opensearch-node)");
            }
            try {
                int http = LocalDynamoDb.freePort();
                Path home = Files.createTempDirectory("opensearch-home");
                endpoint = ChildServer.start("opensearch", http, Map.of(), List.of("-Xms512m", "-Xmx512m",
                        "-cp", lib.toAbsolutePath() + "/*", "io.invoicestreams.opensearchnode.LocalOpenSearchNode",
                        home.toString(), Integer.toString(http), Integer.toString(LocalDynamoDb.freePort())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return endpoint;
    }
}
