package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Real S3-compatible servers for tests, each a child JVM for the whole test JVM, path-style on a loopback port:
 * s3proxy with a filesystem store for objects, and Adobe S3Mock for bucket lifecycle configurations, which s3proxy
 * does not implement.
 */
public final class LocalS3 {

    private static URI s3proxy;
    private static URI s3mock;

    private LocalS3() {
    }

    /** s3proxy: objects, listings, buckets. */
    public static synchronized URI endpoint() {
        if (s3proxy == null) {
            try {
                Path lib = built(System.getProperty("s3proxy.lib", "s3proxy/target/s3proxy/lib"), "adapters/s3proxy");
                int port = LocalDynamoDb.freePort();
                Path store = Files.createTempDirectory("s3proxy-store");
                Path properties = Files.createTempFile("s3proxy", ".properties");
                Files.writeString(properties, String.join("\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=none",
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + store.toAbsolutePath()) + "\n");
                s3proxy = ChildServer.start("s3proxy", port, Map.of(), List.of("-Xmx256m", "-cp", lib.toAbsolutePath() + "/*",
                        "org.gaul.s3proxy.Main", "--properties", properties.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return s3proxy;
    }

    /** S3Mock: also bucket lifecycle configurations and storage classes. */
    public static synchronized URI lifecycleEndpoint() {
        if (s3mock == null) {
            try {
                Path jar = built(System.getProperty("s3mock.jar", "s3mock/target/s3mock/s3mock.jar"), "adapters/s3mock");
                int port = LocalDynamoDb.freePort();
                Path store = Files.createTempDirectory("s3mock-store");
                // S3Mock also opens an HTTPS port (server.port); give it a free one too.
                s3mock = ChildServer.start("s3mock", port, Map.of("COM_ADOBE_TESTING_S3MOCK_STORE_ROOT", store.toString()),
                        List.of("-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "--http.port=" + port,
                                "--server.port=" + LocalDynamoDb.freePort()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return s3mock;
    }

    private static Path built(String location, String module) {
        Path path = Path.of(location);
        if (!Files.exists(path)) {
            throw new IllegalStateException(path.toAbsolutePath() + " is missing: build it with ./mvnw install (module "
                    + module + ")");
        }
        return path;
    }
}
