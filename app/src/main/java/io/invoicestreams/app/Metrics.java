package io.invoicestreams.app;

import io.invoicestreams.adapters.dynamodb.StreamMetrics;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.projections.countryverification.VerificationMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The stream's metrics in Micrometer, exported at /q/metrics. */
@jakarta.inject.Singleton
public final class Metrics implements StreamMetrics, VerificationMetrics {

    private final MeterRegistry registry;
    private final Counter eventsStored;
    private final Counter parked;
    private final Counter batchFailures;
    private final AtomicLong lagMillis = new AtomicLong();

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.eventsStored = Counter.builder("invoice.events.stored")
                .description("Domain events appended to the event store").register(registry);
        this.parked = Counter.builder("invoice.stream.records.parked")
                .description("Stream records parked with a reason").register(registry);
        this.batchFailures = Counter.builder("invoice.stream.batch.failures")
                .description("Stream batches that failed and were retried").register(registry);
        Gauge.builder("invoice.stream.lag.seconds", lagMillis, v -> v.get() / 1000.0)
                .description("ApproximateCreationDateTime age of the newest record read; 0 when at the tip")
                .register(registry);
        Counter.builder("invoice.stream.trimmed.data")
                .description("Records trimmed from the stream before they were read: data lost upstream")
                .tag("shard", "none").register(registry);
    }

    @Override
    public void eventsStored(int count) {
        eventsStored.increment(count);
    }

    @Override
    public void recordsParked(int count) {
        parked.increment(count);
    }

    @Override
    public void lag(Duration lag) {
        lagMillis.set(lag.toMillis());
    }

    @Override
    public void trimmedData(String shardId) {
        Counter.builder("invoice.stream.trimmed.data")
                .description("Records trimmed from the stream before they were read: data lost upstream")
                .tag("shard", shardId).register(registry).increment();
    }

    @Override
    public void batchFailed() {
        batchFailures.increment();
    }

    /** The parked events of each processing group, read from the dead-letter table when scraped (NaN if it fails). */
    public void deadLetters(io.invoicestreams.adapters.eventstore.DeadLetters.Queues queues) {
        for (String group : queues.groups()) {
            Gauge.builder("invoice.projection.dead.letters", queues, q -> {
                        try {
                            return q.size(group);
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    })
                    .description("Events parked in the processing group's dead-letter queue")
                    .tag("group", group).register(registry);
        }
    }

    @Override
    public void unverified(CountryCode country) {
        Counter.builder("invoice.country.verification.unverified")
                .description("Transactions recorded in a country nobody verifies on their invoice (expected)")
                .register(registry).increment();
    }
}
