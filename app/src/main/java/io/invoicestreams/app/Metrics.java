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
    private final io.micrometer.core.instrument.Timer recordToStored;
    private final Map<String, io.micrometer.core.instrument.Timer> recordToWrite = new ConcurrentHashMap<>();
    /** The lag of each shard this node reads now, and its gauge. */
    private final Map<String, ShardLag> shardLags = new ConcurrentHashMap<>();
    private final Map<String, Gauge> shardGauges = new ConcurrentHashMap<>();
    /** What the read models' meters read: Micrometer holds a meter's object weakly, and nothing else holds these. */
    private final java.util.List<Object> meterSources = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.eventsStored = Counter.builder("invoice.events.stored")
                .description("Domain events appended to the event store").register(registry);
        this.parked = Counter.builder("invoice.stream.records.parked")
                .description("Stream records parked with a reason").register(registry);
        this.batchFailures = Counter.builder("invoice.stream.batch.failures")
                .description("Stream batches that failed and were retried").register(registry);
        this.recordToStored = io.micrometer.core.instrument.Timer.builder("invoice.stream.record.to.stored")
                .description("From a stream record's creation to the commit of the batch that stored its events;"
                        + " DynamoDB Streams gives the creation to the second")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("invoice.stream.lag.max.seconds", shardLags, Metrics::maxLagSeconds)
                .description("The largest lag of the shards this node reads; 0 only when every one is at its tip")
                .register(registry);
        Counter.builder("invoice.stream.trimmed.data")
                .description("Records trimmed from the stream before they were read: data lost upstream")
                .tag("shard", "none").register(registry);
    }

    @Override
    public void recordStored(java.time.Duration sinceCreated) {
        recordToStored.record(sinceCreated);
    }

    /** A read model committed a live event whose stream record was created at {@code changedAt}. */
    public void written(String group, java.time.Instant changedAt) {
        recordToWrite.computeIfAbsent(group, g -> io.micrometer.core.instrument.Timer
                        .builder("invoice.projection.record.to.write")
                        .description("From a stream record's creation to the commit of the read model's batch that"
                                + " held its event; DynamoDB Streams gives the creation to the second")
                        .tag("group", g).publishPercentileHistogram().register(registry))
                .record(java.time.Duration.between(changedAt, java.time.Instant.now()));
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

    /**
     * The parked events of each processing group, read from the dead-letter table when scraped: NaN if that fails or
     * takes longer than {@link ReadModelLag#WAIT}, so a silent store never holds the scrape.
     */
    public void deadLetters(io.invoicestreams.adapters.eventstore.DeadLetters.Queues queues) {
        for (String group : queues.groups()) {
            OneInFlight<Long> size = new OneInFlight<>("dead-letters-" + group, () -> (long) queues.size(group));
            meterSources.add(size);
            Gauge.builder("invoice.projection.dead.letters", size, s -> {
                        try {
                            return s.within(ReadModelLag.WAIT);
                        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                            return Double.NaN;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return Double.NaN;
                        }
                    })
                    .description("Events parked in the processing group's dead-letter queue")
                    .tag("group", group).register(registry);
        }
    }

    /**
     * Per read model running here, read when scraped: {@code invoice_projection_lag_events{group}} (events in the
     * store beyond its slowest segment), {@code invoice_projection_lag_seconds{group}} (how long the oldest of those
     * has waited; 0 only when caught up, rising while its store is down) and {@code
     * invoice_projection_events_total{group}} (store positions it has passed; set back by a rebuild). One status read
     * serves all three for a second, so a scrape costs one token read and one event read per read model.
     */
    public void readModels(io.invoicestreams.adapters.eventstore.ProjectionControl control,
                           java.util.function.LongFunction<java.util.Optional<java.time.Instant>> storedAfter,
                           java.time.Clock clock) {
        for (String group : control.names()) {
            ReadModelLag lag = new ReadModelLag(group, () -> control.status(group), storedAfter, clock);
            meterSources.add(lag);
            Gauge.builder("invoice.projection.lag.events", lag, l -> l.now().events())
                    .description("Events in the store that the read model has not handled yet")
                    .tag("group", group).register(registry);
            Gauge.builder("invoice.projection.lag.seconds", lag, l -> l.now().seconds())
                    .description("How long the oldest event the read model has not handled has waited; 0 only when"
                            + " it is caught up")
                    .tag("group", group).register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("invoice.projection.events", lag,
                            l -> l.now().handled())
                    .description("Store positions the read model has passed; set back to 0 by a rebuild")
                    .tag("group", group).register(registry);
        }
    }

    /**
     * One read model's lag, read at most once a second, on a virtual thread: a scrape waits at most
     * {@link #WAIT} for it, so a silent store never holds the scrape; the values are NaN while the store cannot say.
     */
    static final class ReadModelLag {
        static final java.time.Duration WAIT = java.time.Duration.ofMillis(200);

        record Reading(double events, double seconds, double handled, java.time.Instant at) {
        }

        private final String group;
        private final java.util.function.Supplier<io.invoicestreams.adapters.eventstore.ProjectionControl.Status> status;
        private final java.util.function.LongFunction<java.util.Optional<java.time.Instant>> storedAfter;
        private final java.time.Clock clock;
        private final OneInFlight<Reading> reading;
        private volatile Reading last;
        private volatile java.time.Instant failureLogged;

        /**
         * @param status      where the read model stands now (it reads the store)
         * @param storedAfter when the first event after a position was stored (it reads the store)
         */
        ReadModelLag(String group,
                     java.util.function.Supplier<io.invoicestreams.adapters.eventstore.ProjectionControl.Status> status,
                     java.util.function.LongFunction<java.util.Optional<java.time.Instant>> storedAfter,
                     java.time.Clock clock) {
            this.group = group;
            this.status = status;
            this.storedAfter = storedAfter;
            this.clock = clock;
            this.reading = new OneInFlight<>("lag-" + group, this::read);
        }

        Reading now() {
            java.time.Instant asked = clock.instant();
            Reading known = last;
            if (known != null && java.time.Duration.between(known.at(), asked).toMillis() < 1000) {
                return known;
            }
            try {
                return reading.within(WAIT);
            } catch (java.util.concurrent.TimeoutException e) {
                return unknown(known, asked);
            } catch (java.util.concurrent.ExecutionException e) {
                if (failureLogged == null || java.time.Duration.between(failureLogged, asked).toMinutes() >= 1) {
                    failureLogged = asked;
                    org.jboss.logging.Logger.getLogger(Metrics.class).warnf("Reading the lag of %s failed: %s", group,
                            e.getCause());
                }
                return unknown(known, asked);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unknown(known, asked);
            }
        }

        /** NaN for a second, so that the scrape's other gauges of this read model do not wait again. */
        private Reading unknown(Reading known, java.time.Instant asked) {
            Reading unknown = new Reading(Double.NaN, Double.NaN, known == null ? 0 : known.handled(), asked);
            last = unknown;
            return unknown;
        }

        private Reading read() {
            var status = this.status.get();
            java.time.Instant at = clock.instant();
            double seconds = status.lag() == 0 ? 0 : storedAfter.apply(status.position())
                    .map(t -> Math.max(0, java.time.Duration.between(t, at).toMillis() / 1000.0)).orElse(0.0);
            Reading fresh = new Reading(status.lag(), seconds, status.position() + 1, at);
            last = fresh;
            return fresh;
        }
    }

    @Override
    public void unverified(CountryCode country) {
        Counter.builder("invoice.country.verification.unverified")
                .description("Transactions recorded in a country nobody verifies on their invoice (expected)")
                .register(registry).increment();
    }
}
