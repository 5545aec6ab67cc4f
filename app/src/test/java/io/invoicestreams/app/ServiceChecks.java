package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.support.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** What the tests of the service as a process check in its parts: the store, the archive, the queues, the totals. */
final class ServiceChecks {

    static final ObjectMapper JSON = new ObjectMapper();

    private ServiceChecks() {
    }

    /**
     * The settings of a service on a DynamoDB endpoint and a PostgreSQL store, with its tables named after the
     * test: {@code {name}_{run}}, {@code {name}Total_{run}} and {@code {name}Action_{run}}.
     */
    static Map<String, String> settings(Path data, String name, String run, java.net.URI dynamoDb, String storeUrl) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("invoice.data-dir", data.toString());
        settings.put("invoice.table", name + "_" + run);
        settings.put("invoice.read-models.totals.table", name + "Total_" + run);
        settings.put("invoice.read-models.country-verification.table", name + "Action_" + run);
        settings.put("invoice.dynamodb.local.enabled", "false");
        settings.put("invoice.dynamodb.endpoint", dynamoDb.toString());
        settings.put("invoice.aws.endpoint-credentials", "local"); // the test's emulators check no key
        settings.put("invoice.store.url", storeUrl);
        settings.put("invoice.store.user", TestDatabases.PG_USER);
        return settings;
    }

    /**
     * Notifications to the queues {@code pay-{run}.fifo} and {@code alert-{run}.fifo} of an ElasticMQ outside the
     * service, which outlives its kills, and an archive buffer of two seconds.
     */
    static Map<String, String> withSharedQueues(Map<String, String> settings, java.net.URI sqs, String run) {
        settings.put("invoice.notifications.sqs.embedded", "false");
        settings.put("invoice.notifications.sqs.endpoint", sqs.toString());
        settings.put("invoice.notifications.payments.queue", "pay-" + run + ".fifo");
        settings.put("invoice.notifications.alerts.queue", "alert-" + run + ".fifo");
        settings.put("invoice.archive.buffer.interval", "2s");
        settings.put("invoice.archive.buffer.allow-short-interval", "true");
        return settings;
    }

    /** A fresh schema in the local PostgreSQL, for one service's event store. */
    static void createSchema(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL, TestDatabases.PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
    }

    /** The domain events in the schema's store whose payload type matches; fails if an event id is there twice. */
    static long storedEvents(String schema, String payloadTypeLike) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL + "?currentSchema=" + schema,
                TestDatabases.PG_USER, ""); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*), count(distinct eventidentifier) from domainevententry"
                     + " where payloadtype like '" + payloadTypeLike + "'")) {
            r.next();
            assertThat(r.getLong(2)).as("distinct event ids").isEqualTo(r.getLong(1));
            return r.getLong(1);
        }
    }

    static long storedEvents(String schema) throws Exception {
        return storedEvents(schema, "%");
    }

    /** The archive lines in the folders, by store position; fails on a position archived twice. */
    static Map<Long, JsonNode> archived(List<Path> folders) throws Exception {
        Map<Long, JsonNode> lines = new HashMap<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder)) {
                files = walk.filter(p -> p.toString().endsWith(".json.gz")).toList();
            }
            for (Path file : files) {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        JsonNode node = JSON.readTree(line);
                        JsonNode before = lines.put(node.get("position").asLong(), node);
                        assertThat(before).as("position %s archived twice", node.get("position")).isNull();
                    }
                }
            }
        }
        return lines;
    }

    /**
     * The values of one Prometheus series of the service's {@code /q/metrics}, by the value of its one tag; NaN as
     * NaN.
     */
    static Map<String, Double> metric(ServiceProcess service, String name, String tag) throws Exception {
        var response = service.get("/q/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> values = new java.util.TreeMap<>();
        var m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{" + tag + "=\"([^\"]+)\"} (\\S+)$")
                .matcher(response.body());
        while (m.find()) {
            values.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return values;
    }

    /** How many documents search finds for the word, or -1 when the service does not answer. */
    static long searchable(ServiceProcess service, String word) throws Exception {
        var response = service.get("/search?q=" + word + "&limit=1");
        return response.statusCode() == 200 ? JSON.readTree(response.body()).get("total").asLong() : -1;
    }

    /** Every message of the queue, received and deleted. */
    static List<Message> drain(SqsClient sqs, String queueName) {
        return io.invoicestreams.adapters.support.Queues.drain(sqs,
                sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl());
    }

    /** Whether the service's total of every invoice equals the expected sum. */
    static boolean totalsMatch(ServiceProcess service, Map<String, BigDecimal> expected) throws Exception {
        for (Map.Entry<String, BigDecimal> e : expected.entrySet()) {
            var response = service.get("/invoices/" + e.getKey() + "/total");
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode total = JSON.readTree(response.body()).get("total");
            if (total == null || total.decimalValue().compareTo(e.getValue()) != 0) {
                return false;
            }
        }
        return true;
    }
}
