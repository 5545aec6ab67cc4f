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

    /**
     * ADR 0033: the build trains an AOT cache for the service and one for DynamoDB Local's JVM. Started as the README
     * says, with {@code -XX:AOTCache}, the service maps its cache ({@code -XX:AOTMode=on} makes a cache it cannot use
     * fatal), DynamoDB Local maps its own, and a change written to the table reaches its total.
     */
    @Test
    void the_caches_the_build_trained_are_mapped_by_both_jvms(@TempDir Path elsewhere) throws Exception {
        Path appCache = ServiceProcess.jar().getParent().resolve("app.aot");
        Path tableCache = ServiceProcess.jar().getParent().resolve("dynamodb-local").resolve("dynamodb-local.aot");
        assertThat(appCache).as("trained by the build").isNotEmptyFile();
        assertThat(tableCache).as("trained by the build").isNotEmptyFile();
        Path log = elsewhere.resolve("service.log");
        try (ServiceProcess service = new ServiceProcess(Map.of(
                "invoice.data-dir", elsewhere.resolve("data").toString(),
                "invoice.dynamodb.local.port", "0",
                "invoice.notifications.sqs.embedded-port", "0"), log)
                .withJvmOptions("-XX:AOTCache=" + appCache, "-XX:AOTMode=on", "-Xlog:aot*=error").in(elsewhere)) {
            service.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(service::ready);
            long servicePid = ProcessHandle.current().children()
                    .filter(p -> p.info().commandLine().orElse("").contains(appCache.toString())).findFirst()
                    .orElseThrow().pid();
            ProcessHandle table = ProcessHandle.of(servicePid).orElseThrow().children()
                    .filter(p -> p.info().commandLine().orElse("").contains("DynamoDbLocal")).findFirst()
                    .orElseThrow();
            assertThat(mapped(servicePid)).as("the service's memory map").anyMatch(l -> l.endsWith(appCache.toString()));
            assertThat(mapped(table.pid())).as("DynamoDB Local's memory map")
                    .anyMatch(l -> l.endsWith(tableCache.toString()));

            var listens = java.util.regex.Pattern.compile("DynamoDB Local listens on 127\\.0\\.0\\.1:(\\d+)")
                    .matcher(Files.readString(log));
            assertThat(listens.find()).isTrue();
            var dynamoDb = io.invoicestreams.adapters.dynamodb.DynamoDbClients.local(
                    java.net.URI.create("http://127.0.0.1:" + listens.group(1))).dynamoDb();
            dynamoDb.putItem(b -> b.tableName("InvoiceTransactions").item(Map.of(
                    "InvoiceNumber", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("7700001"),
                    "TransactionIdentifier", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("t1"),
                    "Amount", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("$42"),
                    "Trans_country", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("USA"))));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(service.get("/invoices/7700001/total").body()).contains("\"total\":42.00"));
        }
        assertThat(Files.readString(log)).doesNotContain("[error][aot");
    }

    /**
     * ADR 0033: the embedded ElasticMQ boots, and its queues are made, beside the rest of the start-up. When it cannot
     * listen, the start-up still stops, with the reason in the log, and the service never serves.
     */
    @Test
    void an_embedded_sqs_port_in_use_stops_the_start_up_with_the_reason(@TempDir Path elsewhere) throws Exception {
        Path log = elsewhere.resolve("service.log");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ServiceProcess service = new ServiceProcess(Map.of(
                     "invoice.data-dir", elsewhere.resolve("data").toString(),
                     "invoice.dynamodb.local.port", "0",
                     "invoice.dynamodb.local.in-memory", "true",
                     "invoice.notifications.sqs.embedded-port", Integer.toString(taken.getLocalPort())), log)
                     .in(elsewhere)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(service::start)
                    .hasMessageContaining("the service exited with 1");
            assertThat(Files.readString(log)).contains("Failed to start application")
                    .containsPattern("(?i)bind|address already in use");
        }
    }

    /** The files a process has mapped into its memory, from /proc (Linux). */
    private static java.util.List<String> mapped(long pid) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")).stream().map(String::strip).toList();
    }
}
