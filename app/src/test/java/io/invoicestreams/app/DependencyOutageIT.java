package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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
    private final UserWrites writes = new UserWrites(users, "Outage_" + run, 5_100_000, 40, null);
    private final TcpProxy dynamoDbProxy = TcpProxy.to(local.endpoint().orElseThrow().getPort());
    private final TcpProxy postgresProxy = TcpProxy.to(5432);
    private final String schema = "outage_" + run.replace('-', '_');
    private ServiceProcess service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        dynamoDbProxy.close();
        postgresProxy.close();
        users.close();
    }

    /** Waits until the service holds every change once and its totals match; returns how long that took. */
    private Duration awaitCaughtUp(Instant since) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .until(() -> ServiceChecks.storedEvents(schema) == writes.changes()
                        && ServiceChecks.totalsMatch(service, writes.expected()));
        return Duration.between(since, Instant.now());
    }

    /** The outage is the scenario: it lasts its full length, whatever the service does meanwhile. */
    private static void holdOutage(Instant since, Duration length) {
        Duration left = length.minus(Duration.between(since, Instant.now()));
        if (left.isPositive()) {
            ServiceProcess.pause(left);
        }
    }

    /** How the service went through one outage. */
    private record Recovery(Duration notReadyAfter, Duration readyAgain, Duration caughtUp) {
        @Override
        public String toString() {
            return "not ready after " + notReadyAfter.toMillis() + " ms, ready " + readyAgain.toMillis()
                    + " ms and caught up " + caughtUp.toMillis() + " ms after restore";
        }
    }

    /**
     * Cuts the part off for {@code length} while users write 100 changes: the service must say it is not ready
     * throughout, be ready again within {@code readyWithin} of the restore, and then hold every change.
     */
    private Recovery outage(TcpProxy part, String name, Duration length, Duration readyWithin) {
        Instant cut = Instant.now();
        part.cut();
        await().atMost(Duration.ofSeconds(20)).until(() -> !service.ready());
        Duration notReadyAfter = Duration.between(cut, Instant.now());
        writes.write(100);
        holdOutage(cut, length);
        assertThat(service.ready()).as("not ready while " + name + " is unreachable").isFalse();
        Instant restored = Instant.now();
        part.restore();
        await().atMost(readyWithin).until(service::ready);
        Duration readyAgain = Duration.between(restored, Instant.now());
        return new Recovery(notReadyAfter, readyAgain, awaitCaughtUp(restored));
    }

    @Test
    void the_service_reports_not_ready_during_outages_and_catches_up_by_itself() throws Exception {
        ServiceChecks.createSchema(schema);
        Path data = Files.createTempDirectory("outage-" + run);
        Map<String, String> settings = ServiceChecks.settings(data, "Outage", run, dynamoDbProxy.endpoint(),
                "jdbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/test?currentSchema=" + schema);
        settings.put("invoice.notifications.sqs.embedded-port", "0");
        settings.put("invoice.source.dynamodb-streams.max-error-backoff", "5s");
        service = new ServiceProcess(settings, data.resolve("service.log")).start();

        writes.write(100);
        awaitCaughtUp(Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(service::ready);

        // DynamoDB unreachable for 30 s while users keep writing; then the event store's connections dropped and
        // refused for 15 s, as in a restart of PostgreSQL.
        Recovery dynamoDb = outage(dynamoDbProxy, "DynamoDB", Duration.ofSeconds(30), Duration.ofSeconds(60));
        Recovery eventStore = outage(postgresProxy, "the event store", Duration.ofSeconds(15), Duration.ofSeconds(90));

        assertThat(ServiceChecks.storedEvents(schema)).isEqualTo(300);
        JsonNode projections = ServiceChecks.JSON.readTree(service.get("/projections").body());
        for (JsonNode parked : projections.get("deadLetters")) {
            assertThat(parked.asLong()).as("an outage parks nothing").isZero();
        }
        assertThat(projections.get("parkedStreamRecords").asLong()).isZero();
        System.out.printf("RELIABILITY dynamodb-30s: %s; store-15s: %s; %d changes, %d events%n", dynamoDb,
                eventStore, writes.changes(), ServiceChecks.storedEvents(schema));
    }
}
