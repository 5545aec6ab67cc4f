package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.invoicestreams.adapters.support.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service with DynamoDB Local, PostgreSQL and OpenSearch each behind a proxy that black-holes it: the
 * connection is accepted and read, and nothing ever comes back, as behind a firewall that drops packets. Connections
 * open at that moment stay silent for good, so only calls that time out get the service going again. Users keep
 * writing to the table meanwhile. For each part the service must say it is not ready within its configured call
 * timeout (and answer the readiness request itself within a few seconds), be ready again after, and then hold every
 * change once, with totals equal to the table's sums and every change searchable.
 */
class BlackHoleIT {

    /** {@code invoice.aws.call-timeout}, {@code invoice.store.call-timeout} and the OpenSearch one, in this test. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(6);
    /** Beyond a timeout: the stream poller's idle wait, and the test's own polling of the readiness check. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    private ServiceFixture fixture;
    private UserWrites writes;
    private ServiceProcess service;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Every change stored once, the totals equal to the table's sums, and every change found by search. */
    private Duration awaitCaughtUp(Instant since) {
        return fixture.awaitCaughtUp(writes, since, true);
    }

    /** The readiness status, and how long the service took to give it. */
    private record Probe(int status, Duration took) {
    }

    private Probe probe() {
        Instant asked = Instant.now();
        int status = service.status("/q/health/ready");
        return new Probe(status, Duration.between(asked, Instant.now()));
    }

    /** How the service went through one black hole, with each read model's lag in seconds at its end. */
    private record Recovery(Duration notReadyAfter, Duration slowestProbe, Duration readyAgain, Duration caughtUp,
                            Map<String, Double> lagDuring) {
        @Override
        public String toString() {
            return "not ready after " + notReadyAfter.toMillis() + " ms (slowest readiness answer "
                    + slowestProbe.toMillis() + " ms), ready " + readyAgain.toMillis() + " ms and caught up "
                    + caughtUp.toMillis() + " ms after restore; lag seconds at its end " + lagDuring;
        }
    }

    /** {@code invoice_projection_lag_seconds} of each read model, as Prometheus scrapes it. */
    private Map<String, Double> lagSeconds() throws Exception {
        Map<String, Double> lags = ServiceChecks.metric(service, "invoice_projection_lag_seconds", "group");
        assertThat(lags).as("a lag for every read model").containsKeys("totals", "search", "audit-archive");
        return lags;
    }

    /**
     * Black-holes the part for 20 s while users write 100 changes: the readiness check must answer 503, in under
     * {@link BoundedProbe#WAIT} plus slack, within the call timeout of the hole opening, and throughout; then the
     * service must be ready again and hold every change.
     */
    private Recovery blackHole(TcpProxy part, String name) throws Exception {
        Instant opened = Instant.now();
        part.blackHole();
        Duration slowest = Duration.ZERO;
        Probe p;
        do {
            p = probe();
            slowest = slowest.compareTo(p.took()) < 0 ? p.took() : slowest;
            assertThat(Duration.between(opened, Instant.now()))
                    .as("not ready within the call timeout of " + name + " falling silent")
                    .isLessThan(CALL_TIMEOUT.plus(SLACK));
        } while (p.status() == 200);
        assertThat(p.status()).as("a readiness answer, not a hang, while " + name + " is silent").isEqualTo(503);
        Duration notReadyAfter = Duration.between(opened, Instant.now());
        writes.write(100);
        while (Duration.between(opened, Instant.now()).compareTo(Duration.ofSeconds(20)) < 0) {
            p = probe();
            slowest = slowest.compareTo(p.took()) < 0 ? p.took() : slowest;
            assertThat(p.status()).as("not ready while " + name + " is silent").isEqualTo(503);
            ServiceProcess.pause(Duration.ofMillis(500));
        }
        assertThat(slowest).as("the readiness check answers without waiting for " + name)
                .isLessThan(BoundedProbe.WAIT.plus(SLACK));
        Map<String, Double> lagDuring = lagSeconds(); // NaN while the store is silent, but the scrape answers
        Instant restored = Instant.now();
        part.restore();
        await().atMost(Duration.ofSeconds(60)).until(service::ready);
        Duration readyAgain = Duration.between(restored, Instant.now());
        Duration caughtUp = awaitCaughtUp(restored);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lagSeconds().values())
                .as("every read model caught up: lag 0").allMatch(lag -> lag == 0.0));
        return new Recovery(notReadyAfter, slowest, readyAgain, caughtUp, lagDuring);
    }

    @Test
    void each_silent_dependency_makes_the_service_not_ready_within_its_call_timeout_and_loses_nothing()
            throws Exception {
        fixture = new ServiceFixture("Hole").withOpenSearch();
        writes = fixture.writes(5_300_000, 40);
        fixture.settings.put("invoice.source.dynamodb-streams.max-error-backoff", "2s");
        fixture.settings.put("invoice.aws.call-timeout", CALL_TIMEOUT.toSeconds() + "s");
        fixture.settings.put("invoice.store.call-timeout", CALL_TIMEOUT.toSeconds() + "s");
        fixture.settings.put("invoice.search.opensearch.call-timeout", CALL_TIMEOUT.toSeconds() + "s");
        service = fixture.start();

        writes.write(100);
        awaitCaughtUp(Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(service::ready);

        Recovery dynamoDb = blackHole(fixture.dynamoDbProxy, "DynamoDB");
        Recovery store = blackHole(fixture.postgresProxy, "the event store");
        Recovery search = blackHole(fixture.openSearchProxy(), "OpenSearch");
        // The 100 changes written while OpenSearch was silent waited about 18 s for the search read model only.
        assertThat(search.lagDuring().get("search")).as("search's lag while OpenSearch is silent").isGreaterThan(10);
        assertThat(search.lagDuring().get("totals")).as("the totals did not wait for OpenSearch").isLessThan(5);

        assertThat(ServiceChecks.storedEvents(fixture.schema)).isEqualTo(400);
        assertThat(fixture.searchable()).isEqualTo(400);
        JsonNode projections = ServiceChecks.JSON.readTree(service.get("/projections").body());
        for (JsonNode parked : projections.get("deadLetters")) {
            assertThat(parked.asLong()).as("a silent dependency parks nothing").isZero();
        }
        assertThat(projections.get("parkedStreamRecords").asLong()).isZero();
        // The delay histograms saw every record: stored once each, and each live event written by each read model.
        String scrape = service.get("/q/metrics").body();
        var stored = java.util.regex.Pattern.compile("(?m)^invoice_stream_record_to_stored_seconds_count (\\S+)$")
                .matcher(scrape);
        assertThat(stored.find()).isTrue();
        assertThat(Double.parseDouble(stored.group(1))).as("records stored, redeliveries included")
                .isGreaterThanOrEqualTo(400);
        assertThat(ServiceChecks.metric(service, "invoice_projection_record_to_write_seconds_count", "group"))
                .as("live events written per read model, retried batches included")
                .containsKeys("totals", "search", "audit-archive")
                .allSatisfy((group, count) -> assertThat(count).as(group).isGreaterThanOrEqualTo(400));
        // Every series that the dashboard and the alert rules in docs/ops name is one this service exports.
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (String file : List.of("grafana-dashboard.json", "alerts.yml")) {
            var names = java.util.regex.Pattern.compile("invoice_[a-z_]+").matcher(
                    Files.readString(Path.of("..", "docs", "ops", file)));
            while (names.find()) {
                named.add(names.group());
            }
        }
        assertThat(named).as("the series docs/ops names").hasSizeGreaterThan(10);
        String finalScrape = service.get("/q/metrics").body();
        assertThat(named).allSatisfy(name -> assertThat(finalScrape).as(name + " is exported")
                .containsPattern("(?m)^" + name + "[{ ]"));
        System.out.printf("RELIABILITY black-hole dynamodb: %s; store: %s; opensearch: %s; %d changes%n", dynamoDb,
                store, search, writes.changes());
    }
}
