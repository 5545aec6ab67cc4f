package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TcpProxy;
import io.invoicestreams.adapters.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The packaged service as its own process, with DynamoDB Local and PostgreSQL behind TCP proxies that the test cuts:
 * DynamoDB unreachable for 30 s, then the event store's connections dropped and refused for 15 s, as a client sees
 * a database restart. Meanwhile users keep writing to the table. The service reports not-ready, retries on its
 * own, and afterwards holds every change exactly once, with totals equal to the table's sums.
 */
class DependencyOutageIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final DynamoDbClients local = LocalDynamoDb.clients();
    private final DynamoDbClient users = local.dynamoDb();
    private final TcpProxy dynamoDbProxy = TcpProxy.to(local.endpoint().orElseThrow().getPort());
    private final TcpProxy postgresProxy = TcpProxy.to(5432);
    private final Map<String, BigDecimal> expected = new LinkedHashMap<>();
    private final String schema = "outage_" + run.replace('-', '_');
    private ServiceProcess service;
    private int changes;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        dynamoDbProxy.close();
        postgresProxy.close();
        users.close();
    }

    private void write(int count) {
        for (int i = 0; i < count; i++) {
            int n = changes++;
            String invoice = Integer.toString(5_100_000 + n % 40);
            users.putItem(b -> b.tableName("Outage_" + run).item(Map.of(
                    "InvoiceNumber", AttributeValue.fromS(invoice),
                    "TransactionIdentifier", AttributeValue.fromS("T" + n),
                    "Amount", AttributeValue.fromS("$" + (n % 97 + 1)),
                    "Trans_country", AttributeValue.fromS("USA"))));
            expected.merge(invoice, BigDecimal.valueOf(n % 97 + 1), BigDecimal::add);
        }
    }

    /** Waits until the service holds every change once and its totals match; returns how long that took. */
    private Duration awaitCaughtUp(Instant since) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .until(() -> ServiceChecks.storedEvents(schema) == changes
                        && ServiceChecks.totalsMatch(service, expected));
        return Duration.between(since, Instant.now());
    }

    /** The outage is the scenario: it lasts its full length, whatever the service does meanwhile. */
    private static void holdOutage(Instant since, Duration length) {
        Duration left = length.minus(Duration.between(since, Instant.now()));
        if (left.isPositive()) {
            ServiceProcess.pause(left);
        }
    }

    @Test
    void the_service_reports_not_ready_during_outages_and_catches_up_by_itself() throws Exception {
        ServiceChecks.createSchema(schema);
        Path data = Files.createTempDirectory("outage-" + run);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("invoice.data-dir", data.toString());
        settings.put("invoice.table", "Outage_" + run);
        settings.put("invoice.projections.totals-table", "OutageTotal_" + run);
        settings.put("invoice.projections.country-verification-table", "OutageAction_" + run);
        settings.put("invoice.dynamodb.local.enabled", "false");
        settings.put("invoice.dynamodb.endpoint", dynamoDbProxy.endpoint().toString());
        settings.put("invoice.store.url", "jdbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/test?currentSchema="
                + schema);
        settings.put("invoice.store.user", TestDatabases.PG_USER);
        settings.put("invoice.notifications.sqs.embedded-port", "0");
        settings.put("invoice.stream.max-error-backoff", "5s");
        service = new ServiceProcess(settings, data.resolve("service.log")).start();

        write(100);
        awaitCaughtUp(Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(service::ready);

        // DynamoDB unreachable for 30 s while users keep writing.
        Instant cut = Instant.now();
        dynamoDbProxy.cut();
        await().atMost(Duration.ofSeconds(20)).until(() -> !service.ready());
        Duration notReadyAfter = Duration.between(cut, Instant.now());
        write(100);
        holdOutage(cut, Duration.ofSeconds(30));
        assertThat(service.ready()).as("not ready while DynamoDB is unreachable").isFalse();
        Instant restored = Instant.now();
        dynamoDbProxy.restore();
        await().atMost(Duration.ofSeconds(60)).until(service::ready);
        Duration readyAgain = Duration.between(restored, Instant.now());
        Duration caughtUp = awaitCaughtUp(restored);

        // The event store's connections dropped and refused for 15 s, as in a restart of PostgreSQL.
        Instant dbCut = Instant.now();
        postgresProxy.cut();
        await().atMost(Duration.ofSeconds(20)).until(() -> !service.ready());
        Duration dbNotReadyAfter = Duration.between(dbCut, Instant.now());
        write(100);
        holdOutage(dbCut, Duration.ofSeconds(15));
        assertThat(service.ready()).as("not ready while the event store is unreachable").isFalse();
        Instant dbRestored = Instant.now();
        postgresProxy.restore();
        await().atMost(Duration.ofSeconds(90)).until(service::ready);
        Duration dbReadyAgain = Duration.between(dbRestored, Instant.now());
        Duration dbCaughtUp = awaitCaughtUp(dbRestored);

        assertThat(ServiceChecks.storedEvents(schema)).isEqualTo(300);
        JsonNode projections = ServiceChecks.JSON.readTree(service.get("/projections").body());
        for (JsonNode parked : projections.get("deadLetters")) {
            assertThat(parked.asLong()).as("an outage parks nothing").isZero();
        }
        assertThat(projections.get("parkedStreamRecords").asLong()).isZero();
        System.out.printf("RELIABILITY dynamodb-30s: not ready after %d ms, ready %d ms and caught up %d ms after"
                        + " restore; store-15s: not ready after %d ms, ready %d ms and caught up %d ms after restore;"
                        + " %d changes, %d events%n", notReadyAfter.toMillis(), readyAgain.toMillis(),
                caughtUp.toMillis(), dbNotReadyAfter.toMillis(), dbReadyAgain.toMillis(), dbCaughtUp.toMillis(),
                changes, ServiceChecks.storedEvents(schema));
    }
}
