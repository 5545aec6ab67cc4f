package io.invoicestreams.app;

import io.invoicestreams.adapters.dynamodb.StreamMetrics;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.projections.countryverification.VerificationMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.invoicestreams.adapters.source.ShardLag;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The stream's metrics in Micrometer, exported at /q/metrics. */
@jakarta.inject.Singleton
public final class Metrics implements StreamMetrics, VerificationMetrics {

    private final MeterRegistry registry;
    private final Counter eventsStored;
    private final Counter parked;
    private final Counter batchFailures;
    /** The lag of each shard this node reads now, and its gauge. */
    private final Map<String, ShardLag> shardLags = new ConcurrentHashMap<>();
    private final Map<String, Gauge> shardGauges = new ConcurrentHashMap<>();

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.eventsStored = Counter.builder("invoice.events.stored")
                .description("Domain events appended to the event store").register(registry);
        this.parked = Counter.builder("invoice.stream.records.parked")
                .description("Stream records parked with a reason").register(registry);
        this.batchFailures = Counter.builder("invoice.stream.batch.failures")
                .description("Stream batches that failed and were retried").register(registry);
        Gauge.builder("invoice.stream.lag.max.seconds", shardLags, Metrics::maxLagSeconds)
                .description("The largest lag of the shards this node reads; 0 only when every one is at its tip")
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
    public void shardStarted(String shardId, ShardLag lag) {
        shardLags.put(shardId, lag);
        shardGauges.computeIfAbsent(shardId, id -> Gauge.builder("invoice.stream.lag.seconds", shardLags,
                        lags -> seconds(lags.get(id)))
                .description("How far this node's reader of the shard is behind: the age of the newest record it"
                        + " may not have stored yet; 0 at the tip, rising while reads or stores fail")
                .tag("shard", id).register(registry));
    }

    @Override
    public void shardStopped(String shardId) {
        shardLags.remove(shardId);
        Gauge gauge = shardGauges.remove(shardId);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    private static double seconds(ShardLag lag) {
        return lag == null ? 0 : lag.lag().toMillis() / 1000.0;
    }

    private static double maxLagSeconds(Map<String, ShardLag> lags) {
        return lags.values().stream().mapToDouble(Metrics::seconds).max().orElse(0);
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
