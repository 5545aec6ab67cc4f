package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.notifications.EmbeddedSqs;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Two service processes on one PostgreSQL store and one DynamoDB Local stream, with a shared ElasticMQ. They split
 * every processing group's four segments two and two (through Axon's claims and the {@code FairShare} membership
 * rows). When one is killed with SIGKILL, the other takes all of its segments and the stream within the claim timeout
 * and carries on: each change one event, totals equal the table's sums, one payment per new invoice, and each
 * event in exactly one of the two nodes' archive folders.
 */
class TwoServicesIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String table = "Two_" + run;
    private final String schema = "two_" + run.replace('-', '_');
    private final DynamoDbClients local = LocalDynamoDb.clients();
    private final DynamoDbClient users = local.dynamoDb();
    private final Map<String, BigDecimal> sums = new HashMap<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private EmbeddedSqs elasticMq;
    private SqsClient sqs;
    private int changes;

    @AfterEach
    void stop() {
        services.forEach(ServiceProcess::close);
        if (sqs != null) {
            sqs.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
        users.close();
    }

    private void write(int count) {
        for (int i = 0; i < count; i++) {
            int n = changes++;
            String invoice = Integer.toString(5_200_000 + n % 60);
            users.putItem(b -> b.tableName(table).item(Map.of(
                    "InvoiceNumber", AttributeValue.fromS(invoice),
                    "TransactionIdentifier", AttributeValue.fromS("T" + n),
                    "Amount", AttributeValue.fromS("$" + (n % 50 + 1)),
                    "Trans_country", AttributeValue.fromS("USA"))));
            sums.merge(invoice, BigDecimal.valueOf(n % 50 + 1), BigDecimal::add);
        }
    }

    /** Per processing group, how many segments each owner holds, as a node sees it. */
    private static Map<String, Map<String, Integer>> owners(ServiceProcess service) throws Exception {
        Map<String, Map<String, Integer>> owners = new LinkedHashMap<>();
        for (JsonNode projection : ServiceChecks.JSON.readTree(service.get("/projections").body()).get("projections")) {
            Map<String, Integer> counts = new HashMap<>();
            for (JsonNode segment : projection.get("segments")) {
                JsonNode owner = segment.get("owner");
                counts.merge(owner == null || owner.isNull() ? "none" : owner.asText(), 1, Integer::sum);
            }
            owners.put(projection.get("name").asText(), counts);
        }
        return owners;
    }

    private static boolean splitTwoAndTwo(ServiceProcess service) throws Exception {
        Map<String, Map<String, Integer>> owners = owners(service);
        return !owners.isEmpty() && owners.values().stream().allMatch(counts -> counts.size() == 2
                && !counts.containsKey("none") && counts.values().stream().allMatch(n -> n == 2));
    }

    /** True when, as the service sees it, the node owns every segment of every group. */
    private static boolean ownsEverything(ServiceProcess service, String node) throws Exception {
        Map<String, Map<String, Integer>> owners = owners(service);
        return !owners.isEmpty() && owners.values().stream().allMatch(counts -> counts.keySet().equals(Set.of(node)));
    }

    @Test
    void two_services_split_the_work_and_one_takes_it_all_when_the_other_is_killed() throws Exception {
        ServiceChecks.createSchema(schema);
        elasticMq = EmbeddedSqs.start(0);
        sqs = DynamoDbClients.configure(SqsClient.builder(), Optional.of(elasticMq.endpoint()), Optional.empty(), io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
        List<Path> archives = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Path data = Files.createTempDirectory("two-" + name + "-" + run);
            archives.add(data.resolve("archive"));
            Map<String, String> settings = ServiceChecks.withSharedQueues(ServiceChecks.settings(data, "Two", run,
                    local.endpoint().orElseThrow(), TestDatabases.PG_URL + "?currentSchema=" + schema),
                    elasticMq.endpoint(), run);
            settings.put("invoice.node.id", "node-" + name);
            settings.put("invoice.node.claim-timeout", "3s");
            services.add(new ServiceProcess(settings, data.resolve("service.log")));
        }
        ServiceProcess a = services.get(0).start();
        write(200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ServiceChecks.storedEvents(schema) == changes && ownsEverything(a, "node-a"));

        Instant joined = Instant.now();
        ServiceProcess b = services.get(1).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> splitTwoAndTwo(a));
        Duration split = Duration.between(joined, Instant.now());
        write(300);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ServiceChecks.storedEvents(schema) == changes && ServiceChecks.totalsMatch(b, sums));

        Instant killed = Instant.now();
        a.kill();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> ownsEverything(b, "node-b"));
        Duration takeover = Duration.between(killed, Instant.now());
        write(300);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ServiceChecks.storedEvents(schema) == changes && ServiceChecks.totalsMatch(b, sums));
        await().atMost(Duration.ofSeconds(30)).until(() -> ServiceChecks.archived(archives).size() == changes);

        List<Message> payments = ServiceChecks.drain(sqs, "pay-" + run + ".fifo");
        assertThat(payments).extracting(m -> m.messageAttributes().get("invoiceNumber").stringValue())
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sums.keySet());
        System.out.printf("RELIABILITY two-services: split 2/2 in every group %d ms after the second started; the"
                        + " survivor owned every segment %d ms after a SIGKILL (claim timeout 3 s); %d changes, %d"
                        + " events, %d archive lines over both nodes, %d payments%n", split.toMillis(),
                takeover.toMillis(), changes, ServiceChecks.storedEvents(schema),
                ServiceChecks.archived(archives).size(), payments.size());
    }
}
