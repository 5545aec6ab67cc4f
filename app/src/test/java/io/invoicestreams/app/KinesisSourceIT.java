package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.LocalKinesis;
import io.invoicestreams.adapters.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The packaged service on the Kinesis Data Streams source ({@code invoice.source.type=kinesis}), against kinesalite
 * with KCL's tables in DynamoDB Local and the store on PostgreSQL: DynamoDB's change records on the Kinesis
 * stream become the service's totals, readiness names the Kinesis stream, and after a SIGKILL a new process goes on
 * from KCL's checkpoints without counting a record twice.
 */
class KinesisSourceIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String stream = "changes-" + run;
    private final String schema = "kin_" + run.replace('-', '_');
    private final KinesisClient kinesis = LocalKinesis.client();
    private final Map<String, BigDecimal> sums = new HashMap<>();
    private final Instant t0 = Instant.now();
    private ServiceProcess service;
    private int changes;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        kinesis.close();
    }

    private void insert(String invoice, String transaction, int amount) {
        ObjectNode root = ServiceChecks.JSON.createObjectNode();
        root.put("awsRegion", "us-east-1");
        root.put("eventID", UUID.randomUUID().toString());
        root.put("eventName", "INSERT");
        root.put("recordFormat", "application/json");
        root.put("tableName", "Kin_" + run);
        root.put("eventSource", "aws:dynamodb");
        ObjectNode d = root.putObject("dynamodb");
        d.put("ApproximateCreationDateTime", t0.toEpochMilli() + changes++);
        ObjectNode keys = d.putObject("Keys");
        keys.putObject("InvoiceNumber").put("S", invoice);
        keys.putObject("TransactionIdentifier").put("S", transaction);
        ObjectNode image = d.putObject("NewImage");
        image.setAll(keys.deepCopy());
        image.putObject("Amount").put("S", "$" + amount);
        image.putObject("Trans_country").put("S", "USA");
        kinesis.putRecord(b -> b.streamName(stream).partitionKey(invoice)
                .data(SdkBytes.fromUtf8String(root.toString())));
        sums.merge(invoice, BigDecimal.valueOf(amount), BigDecimal::add);
    }

    @Test
    void the_service_follows_a_kinesis_stream_and_a_restarted_process_counts_nothing_twice() throws Exception {
        kinesis.createStream(b -> b.streamName(stream).shardCount(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        for (int i = 0; i < 100; i++) {
            insert(Integer.toString(9_100_000 + i % 10), "T" + i, i % 7 + 1);
        }

        ServiceChecks.createSchema(schema);
        Path data = Files.createTempDirectory("kin-" + run);
        Map<String, String> settings = ServiceChecks.settings(data, "Kin", run,
                LocalDynamoDb.clients().endpoint().orElseThrow(), TestDatabases.PG_URL + "?currentSchema=" + schema);
        settings.put("invoice.source.type", "kinesis");
        settings.put("invoice.source.kinesis.stream-name", stream);
        settings.put("invoice.source.kinesis.application-name", "kin-" + run);
        settings.put("invoice.source.kinesis.endpoint", LocalKinesis.endpoint().toString());
        settings.put("invoice.source.kinesis.failover", "3s");
        settings.put("invoice.source.kinesis.idle-between-reads", "200ms");
        settings.put("aws.cborEnabled", "false");
        settings.put("invoice.notifications.enabled", "false");
        service = new ServiceProcess(settings, data.resolve("service.log"));

        Instant started = Instant.now();
        service.start();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ServiceChecks.totalsMatch(service, sums));
        Duration firstCatchUp = Duration.between(started, Instant.now());
        JsonNode ready = ServiceChecks.JSON.readTree(service.get("/admin/health").body());
        assertThat(ready.get("stream").asText()).isEqualTo("kinesis:" + stream);
        // Each shard's lag, from KCL's millisBehindLatest: both shards listed, and 0 once their readers are at the tip.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                ServiceChecks.metric(service, "invoice_stream_lag_seconds", "shard"))
                .hasSize(2).allSatisfy((shard, lag) -> assertThat(lag).as(shard).isZero()));

        service.kill();
        for (int i = 100; i < 150; i++) {
            insert(Integer.toString(9_100_000 + i % 10), "T" + i, i % 7 + 1);
        }
        service.start();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ServiceChecks.totalsMatch(service, sums));
        await().atMost(Duration.ofSeconds(30)).until(() -> ServiceChecks.storedEvents(schema) == changes);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15))
                .until(() -> ServiceChecks.storedEvents(schema) == changes);
        System.out.printf("RELIABILITY kinesis-service: totals caught up %d ms after the service started on the"
                + " Kinesis source; %d records, %d events after a SIGKILL and a restart%n", firstCatchUp.toMillis(),
                changes, ServiceChecks.storedEvents(schema));
    }
}
