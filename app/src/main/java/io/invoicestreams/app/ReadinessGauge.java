package io.invoicestreams.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * {@code invoice_ready}: 1 when every readiness check is up (the store, the stream, OpenSearch when it is the search
 * engine), 0 when not, read when scraped, so that an alert rule sees what a load balancer sees. Each check waits at
 * most 2 s for its dependency ({@link BoundedProbe}).
 */
@Singleton
public class ReadinessGauge {

    private final SmallRyeHealthReporter health;

    ReadinessGauge(SmallRyeHealthReporter health) {
        this.health = health;
    }

    void register(@Observes StartupEvent event, MeterRegistry registry) {
        Gauge.builder("invoice.ready", this, ReadinessGauge::ready)
                .description("1 when every readiness check is up, 0 when not").register(registry);
    }

    private double ready() {
        return health.getReadiness().isDown() ? 0 : 1;
    }
}
