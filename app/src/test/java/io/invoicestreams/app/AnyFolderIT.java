package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service started with {@code java -jar} from a folder that is not the repository (issue 18): it finds
 * the DynamoDB Local that the build laid out next to it, with no setting pointing there, starts it, the embedded SQS
 * and its HTTP API on the loopback address only, and becomes ready.
 */
class AnyFolderIT {

    @Test
    void the_jar_runs_from_any_folder_on_the_embedded_defaults(@TempDir Path elsewhere) throws Exception {
        Path beside = ServiceProcess.jar().getParent().resolve("dynamodb-local").resolve("lib");
        assertThat(beside.resolve("DynamoDBLocal-2.6.1.jar")).as("laid out by the build").exists();
        Path log = elsewhere.resolve("service.log");
        try (ServiceProcess service = new ServiceProcess(Map.of(
                "invoice.data-dir", elsewhere.resolve("data").toString(),
                "invoice.dynamodb.local.port", "0",
                "invoice.dynamodb.local.in-memory", "true",
                "invoice.notifications.sqs.embedded-port", "0"), log).in(elsewhere)) {
            service.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(service::ready);

            String output = Files.readString(log);
            var listens = java.util.regex.Pattern.compile("DynamoDB Local listens on 127\\.0\\.0\\.1:(\\d+)")
                    .matcher(output);
            assertThat(listens.find()).as("the log says where DynamoDB Local listens").isTrue();
            var sqs = java.util.regex.Pattern.compile(
                    "ElasticMQ \\(SQS\\) runs in this JVM at http://127\\.0\\.0\\.1:(\\d+)").matcher(output);
            assertThat(sqs.find()).as("the log says where the embedded SQS listens").isTrue();
            // Issue 18: DynamoDB Local, the embedded SQS and the HTTP API on the loopback address only, as the
            // kernel's table of listening sockets shows, not on every interface.
            for (int port : new int[]{Integer.parseInt(listens.group(1)), Integer.parseInt(sqs.group(1)),
                    service.port()}) {
                assertThat(io.invoicestreams.adapters.support.Listening.addresses(port)).as("port " + port)
                        .isNotEmpty().allSatisfy(address -> assertThat(
                                io.invoicestreams.adapters.support.Listening.loopback(address)).as(address).isTrue());
            }
            assertThat(service.get("/projections").statusCode()).isEqualTo(200);
        }
    }
}
