package io.invoicestreams.app;

import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.adapters.source.SourceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the event store answers, the stream was polled successfully within the last 30 seconds, and
 * reading the stream into the store is not failing now (DynamoDB unreachable, or the store refusing batches).
 *
 * <p>Anyone may ask {@code /q/health}: it says UP or DOWN with counts and times only. The texts that name the
 * account or the database (the stream ARN holds the account id, errors may hold host names) are at
 * {@code GET /admin/health}, with an admin key ({@link #details()}).
 */
@Readiness
@ApplicationScoped
public class StreamHealth implements HealthCheck {

    static final Duration STALE = Duration.ofSeconds(30);

    private final ServiceLifecycle lifecycle;
    private final Invocation invocation;
    private final jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store;
    private final BoundedProbe storeProbe = new BoundedProbe("the event store", this::storeProblem);

    StreamHealth(ServiceLifecycle lifecycle, Invocation invocation,
                 jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store) {
        this.lifecycle = lifecycle;
        this.invocation = invocation;
        this.store = store;
    }

    /**
     * Everything the readiness check knows, for operators.
     *
     * @param stream      the stream followed (its ARN, or kinesis:name); null when none is followed
     * @param lastError   the last error of reading the stream into the store; null when none
     * @param storeError  why the store did not answer; null when it did
     * @param dataLoss    records trimmed from the stream before they were read; null when none
     */
    public record Details(boolean up, boolean storeReachable, String stream, Integer ownedShards,
                          Instant lastSuccessfulPoll, String lastError, Instant failingSince, String dataLoss,
                          String storeError) {
    }

    /** The readiness with every detail. */
    public Details details() {
        String[] storeError = new String[1];
        boolean storeUp = storeReachable(storeError);
        SourceStatus status = lifecycle.source().map(ChangeSource::status).orElse(null);
        boolean streamUp = status != null && status.running() && status.failingSince().isEmpty()
                && Duration.between(status.lastSuccessfulPoll(), Instant.now()).compareTo(STALE) < 0;
        if (status == null) {
            return new Details(false, storeUp, null, null, null, null, null, null, storeError[0]);
        }
        return new Details(storeUp && streamUp, storeUp, status.stream().orElse("none"), status.ownedShards(),
                status.lastSuccessfulPoll(), status.lastError().orElse(null), status.failingSince().orElse(null),
                status.dataLoss().orElse(null), storeError[0]);
    }

    @Override
    public HealthCheckResponse call() {
        Details d = details();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("stream-and-store");
        if (d.ownedShards() != null) {
            response.withData("ownedShards", d.ownedShards())
                    .withData("lastSuccessfulPoll", d.lastSuccessfulPoll().toString())
                    .withData("failing", d.failingSince() != null)
                    .withData("dataLoss", d.dataLoss() != null);
        }
        return response.withData("storeReachable", d.storeReachable())
                .withData("details", "GET /admin/health, with an admin key").status(d.up()).build();
    }

    /** Whether the store answers {@code SELECT 1} within {@link BoundedProbe#WAIT}; else why not, in {@code error}. */
    private boolean storeReachable(String[] error) {
        if (!invocation.mode().runsStore()) {
            return false;
        }
        java.util.Optional<String> problem = storeProbe.problem();
        problem.ifPresent(p -> error[0] = p);
        return problem.isEmpty();
    }

    private java.util.Optional<String> storeProblem() {
        try (Connection c = store.get().transactions().getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) BoundedProbe.WAIT.toSeconds());
            s.execute("SELECT 1");
            return java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
