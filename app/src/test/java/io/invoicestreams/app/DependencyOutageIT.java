package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.invoicestreams.adapters.support.TcpProxy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as its own process, with DynamoDB Local and PostgreSQL behind TCP proxies that the test cuts:
 * DynamoDB unreachable for 30 s, then the event store's connections dropped and refused for 15 s, as a client sees
 * a database restart. Meanwhile users keep writing to the table. The service reports not-ready, retries on its
 * own, and afterwards holds every change exactly once, with totals equal to the table's sums.
 */
class DependencyOutageIT {

    private ServiceFixture fixture;
    private UserWrites writes;
    private ServiceProcess service;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Waits until the service holds every change once and its totals match; returns how long that took. */
    private Duration awaitCaughtUp(Instant since) {
        return fixture.awaitCaughtUp(writes, since, false);
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
        fixture = new ServiceFixture("Outage");
        writes = new UserWrites(fixture.users, fixture.table(), 5_100_000, 40, null);
        fixture.settings.put("invoice.source.dynamodb-streams.max-error-backoff", "5s");
        service = fixture.start();

        writes.write(100);
        awaitCaughtUp(Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(service::ready);

        // DynamoDB unreachable for 30 s while users keep writing; then the event store's connections dropped and
        // refused for 15 s, as in a restart of PostgreSQL.
        Recovery dynamoDb = outage(fixture.dynamoDbProxy, "DynamoDB", Duration.ofSeconds(30),
                Duration.ofSeconds(60));
        Recovery eventStore = outage(fixture.postgresProxy, "the event store", Duration.ofSeconds(15),
                Duration.ofSeconds(90));

        assertThat(ServiceChecks.storedEvents(fixture.schema)).isEqualTo(300);
        JsonNode projections = ServiceChecks.JSON.readTree(service.get("/projections").body());
        for (JsonNode parked : projections.get("deadLetters")) {
            assertThat(parked.asLong()).as("an outage parks nothing").isZero();
        }
        assertThat(projections.get("parkedStreamRecords").asLong()).isZero();
        System.out.printf("RELIABILITY dynamodb-30s: %s; store-15s: %s; %d changes, %d events%n", dynamoDb,
                eventStore, writes.changes(), ServiceChecks.storedEvents(fixture.schema));
    }
}
