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
 */
@Readiness
@ApplicationScoped
public class StreamHealth implements HealthCheck {

    static final Duration STALE = Duration.ofSeconds(30);

    private final ServiceLifecycle lifecycle;
    private final Invocation invocation;
    private final jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store;

    StreamHealth(ServiceLifecycle lifecycle, Invocation invocation,
                 jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store) {
        this.lifecycle = lifecycle;
        this.invocation = invocation;
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("stream-and-store");
        boolean storeUp = storeReachable(response);
        SourceStatus status = lifecycle.source().map(ChangeSource::status).orElse(null);
        boolean streamUp = status != null && status.running() && status.failingSince().isEmpty()
                && Duration.between(status.lastSuccessfulPoll(), Instant.now()).compareTo(STALE) < 0;
        if (status != null) {
            response.withData("stream", status.stream().orElse("none"))
                    .withData("ownedShards", status.ownedShards())
                    .withData("lastSuccessfulPoll", status.lastSuccessfulPoll().toString());
            status.lastError().ifPresent(e -> response.withData("lastError", e));
            status.failingSince().ifPresent(t -> response.withData("failingSince", t.toString()));
            status.dataLoss().ifPresent(e -> response.withData("dataLoss", e));
        }
        return response.withData("storeReachable", storeUp).status(storeUp && streamUp).build();
    }

    private boolean storeReachable(HealthCheckResponseBuilder response) {
        if (!invocation.mode().runsStore()) {
            return false;
        }
        try (Connection c = store.get().transactions().getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (Exception e) {
            response.withData("storeError", e.getMessage() == null ? e.toString() : e.getMessage());
            return false;
        }
    }
}
