package io.invoicestreams.adapters.support;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * One real Kinesis for the whole test JVM: kinesalite from npm, run by Node on a loopback port. It is installed
 * under {@code .ci/node} on first use ({@code .ci/run} installs it too). Kinesalite speaks JSON only, so the SDK's
 * CBOR is turned off before any Kinesis client is built.
 */
public final class LocalKinesis {

    static final String VERSION = "3.3.3";

    private static URI endpoint;

    static {
        System.setProperty("aws.cborEnabled", "false");
    }

    private LocalKinesis() {
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            try {
                Path bin = installed();
                int port = LocalDynamoDb.freePort();
                endpoint = LocalProcess.start("kinesalite", List.of(bin.toString(), "--port", Integer.toString(port),
                        "--createStreamMs", "50", "--deleteStreamMs", "50", "--updateStreamMs", "50"), Map.of(), port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return endpoint;
    }

    public static KinesisClient client() {
        return DynamoDbClients.configure(KinesisClient.builder(), Optional.of(endpoint()), Optional.empty(), io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
    }

    /** {@code .ci/node/node_modules/.bin/kinesalite} of the project, installed with npm when missing. */
    private static Path installed() throws IOException, InterruptedException {
        Path prefix = Path.of(System.getProperty("kinesalite.prefix", "../.ci/node")).toAbsolutePath().normalize();
        Path bin = prefix.resolve("node_modules/.bin/kinesalite");
        if (Files.isExecutable(bin)) {
            return bin;
        }
        Files.createDirectories(prefix);
        Process npm = new ProcessBuilder(List.of("npm", "install", "--prefix", prefix.toString(), "--no-audit",
                "--no-fund", "kinesalite@" + VERSION)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(prefix.resolve("npm-install.log").toFile())).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(bin)) {
            throw new IllegalStateException("could not install kinesalite " + VERSION + " with npm into " + prefix
                    + "; see " + prefix.resolve("npm-install.log"));
        }
        return bin;
    }
}
