package io.invoicestreams.adapters.eventstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.jdbc.BootstrapRuns;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import io.invoicestreams.adapters.json.InvoiceJson;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.invoice.ApplyTransactionChanges;
import io.invoicestreams.domain.invoice.AssignCountryVerifier;
import io.invoicestreams.domain.invoice.RemoveCountryVerifier;
import io.invoicestreams.domain.invoice.Invoice;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.PostgresTokenTableFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.PostgresEventTableFactory;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.NoOpEventUpcaster;

/**
 * The Axon side of the service, without any framework around it: the JDBC event storage engine and token store
 * on one {@link JdbcTransactions}, Jackson serialisation (no XStream), the synchronous command bus and the
 * event-sourced {@link Invoice}. The application starts it and stops it with its own lifecycle.
 */
public final class InvoiceEventStore implements AutoCloseable {

    private final Configuration configuration;
    private final JdbcTransactions transactions;
    private final JdbcEventStorageEngine storageEngine;
    private final JdbcTokenStore tokenStore;
    private final ParkedRecords parkedRecords;
    private final BoundedAggregateCache aggregateCache;
    private final InvoiceAppender appender;

    /** How often, by default, the processors look for events appended by another node. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

    /** Invoice aggregates kept in memory by default. */
    public static final int DEFAULT_AGGREGATE_CACHE_SIZE = 50_000;

    private InvoiceEventStore(Configuration configuration, JdbcTransactions transactions,
                              JdbcEventStorageEngine storageEngine, JdbcTokenStore tokenStore,
                              ParkedRecords parkedRecords, BoundedAggregateCache aggregateCache,
                              InvoiceAppender appender) {
        this.configuration = configuration;
        this.transactions = transactions;
        this.storageEngine = storageEngine;
        this.tokenStore = tokenStore;
        this.parkedRecords = parkedRecords;
        this.aggregateCache = aggregateCache;
        this.appender = appender;
    }

    /**
     * Creates the tables if missing and starts Axon.
     *
     * @param nodeId       this node's name in token claims; unique per running instance
     * @param claimTimeout how long a silent node keeps its claims before another node takes them
     * @param more         further configuration, such as event processors
     */
    public static InvoiceEventStore start(JdbcTransactions transactions, String nodeId, Duration claimTimeout,
                                          Clock clock, Consumer<Configurer> more) {
        return start(transactions, nodeId, claimTimeout, clock, DEFAULT_AGGREGATE_CACHE_SIZE, more);
    }

    /** As above, keeping at most {@code aggregateCacheSize} Invoice aggregates in memory. */
    public static InvoiceEventStore start(JdbcTransactions transactions, String nodeId, Duration claimTimeout,
                                          Clock clock, int aggregateCacheSize, Consumer<Configurer> more) {
        return start(transactions, nodeId, claimTimeout, clock, aggregateCacheSize,
                ProcessorStreams.waking(DEFAULT_POLL_INTERVAL), more);
    }

    /**
     * How the processors learn of new events.
     *
     * @param wake         true: {@link WakingEventStore}, whose streams wake their processor when events are
     *                     appended here, and look for another node's every {@code pollInterval}. False: Axon's
     *                     embedded event store, whose processors look every 500 ms and whose reader waits up to a
     *                     second after a local append (the behaviour before issue 14; kept as a fallback and as the
     *                     benchmark's baseline)
     */
    public record ProcessorStreams(boolean wake, Duration pollInterval) {
        public ProcessorStreams {
            Objects.requireNonNull(pollInterval, "pollInterval");
        }

        public static ProcessorStreams waking(Duration pollInterval) {
            return new ProcessorStreams(true, pollInterval);
        }

        public static final ProcessorStreams AXON_POLLING = new ProcessorStreams(false, Duration.ofSeconds(1));
    }

    /** As above, with the processors' streams as given. */
    public static InvoiceEventStore start(JdbcTransactions transactions, String nodeId, Duration claimTimeout,
                                          Clock clock, int aggregateCacheSize, ProcessorStreams streams,
                                          Consumer<Configurer> more) {
        Objects.requireNonNull(transactions, "transactions");
        Serializer serializer = serializer();
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                .connectionProvider(transactions)
                .transactionManager(transactions)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .build();
        engine.createSchema(PostgresEventTableFactory.INSTANCE);
        JdbcTokenStore tokenStore = JdbcTokenStore.builder()
                .connectionProvider(transactions)
                .serializer(serializer)
                .nodeId(nodeId)
                .claimTimeout(claimTimeout)
                .build();
        tokenStore.createSchema(PostgresTokenTableFactory.INSTANCE);
        ParkedRecords parked = new ParkedRecords(transactions, clock);
        parked.createSchema();
        new BootstrapRuns(transactions).createSchema();
        DeadLetters.createSchema(transactions);
        BoundedAggregateCache cache = new BoundedAggregateCache(aggregateCacheSize);

        Configurer configurer = DefaultConfigurer.defaultConfiguration(false)
                .configureSerializer(c -> serializer)
                .configureEventSerializer(c -> serializer)
                .configureMessageSerializer(c -> serializer)
                .configureTransactionManager(c -> transactions)
                .configureEventStore(c -> {
                    if (!streams.wake()) {
                        PollingEventStore axon = new PollingEventStore(EmbeddedEventStore.builder()
                                .storageEngine(engine)
                                .messageMonitor(c.messageMonitor(EmbeddedEventStore.class, "eventStore")));
                        c.onShutdown(axon::shutDown);
                        return axon;
                    }
                    WakingEventStore.Builder builder = WakingEventStore.builder(transactions, streams.pollInterval());
                    builder.storageEngine(engine)
                            .messageMonitor(c.messageMonitor(WakingEventStore.class, "eventStore"));
                    WakingEventStore store = builder.build();
                    c.onShutdown(store::shutDown);
                    return store;
                })
                .configureCommandBus(c -> SimpleCommandBus.builder().transactionManager(transactions).build())
                .registerComponent(CommandGateway.class, InvoiceEventStore::retryingGateway)
                .registerComponent(TokenStore.class, c -> tokenStore)
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Invoice.class)
                        .configureCache(c -> cache));
        more.accept(configurer);
        Configuration configuration = configurer.buildConfiguration();
        configuration.eventStore().registerDispatchInterceptor(new DeterministicEventIds());
        // The stream's changes are appended without Axon's repository (ADR 0021): each path forgets what the
        // other changed. Should both write an invoice at once, the store's unique key refuses one of them.
        WakingEventStore waking = configuration.eventStore() instanceof WakingEventStore w ? w : null;
        PollingEventStore polling = configuration.eventStore() instanceof PollingEventStore p ? p : null;
        InvoiceAppender appender = new InvoiceAppender(transactions, engine, serializer,
                NoOpEventUpcaster.INSTANCE, aggregateCacheSize,
                invoices -> {
                    invoices.forEach(invoice -> cache.remove(invoice.value()));
                    if (waking != null) {
                        waking.wakeStreams();
                    }
                },
                () -> {
                    if (polling != null) {
                        polling.appended();
                    }
                }, StreamTracing.of(configuration));
        configuration.commandBus().registerHandlerInterceptor((unitOfWork, chain) -> {
            InvoiceNumber target = switch (unitOfWork.getMessage().getPayload()) {
                case ApplyTransactionChanges c -> c.invoiceNumber();
                case AssignCountryVerifier c -> c.invoiceNumber();
                case RemoveCountryVerifier c -> c.invoiceNumber();
                default -> null;
            };
            if (target != null) {
                unitOfWork.onCleanup(u -> appender.forget(target));
            }
            return chain.proceed();
        });
        configuration.start();
        return new InvoiceEventStore(configuration, transactions, engine, tokenStore, parked, cache, appender);
    }

    /**
     * Axon's embedded event store (the fallback, {@code wake-on-append=false}), told of the appender's appends as
     * Axon's unit of work told it before issue 14: inside the transaction, before the events can be read.
     */
    static final class PollingEventStore extends EmbeddedEventStore {
        PollingEventStore(EmbeddedEventStore.Builder builder) {
            super(builder);
        }

        void appended() {
            afterCommit(List.of());
        }
    }

    /**
     * The gateway of the administrator's commands. A command that loses the race for an invoice to a stream batch
     * (both appended the same sequence number; the store's unique key refused the command's event) is sent again,
     * up to five times 50 ms apart, and then decides on the batch's events (ADR 0021). Other failures are not
     * retried.
     */
    private static CommandGateway retryingGateway(Configuration c) {
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("command-retry").factory());
        c.onShutdown(retries::shutdownNow);
        return DefaultCommandGateway.builder()
                .commandBus(c.commandBus())
                .retryScheduler(IntervalRetryScheduler.builder()
                        .retryExecutor(retries)
                        .retryInterval(50)
                        .maxRetryCount(5)
                        .nonTransientFailurePredicate(failure -> !lostTheRace(failure))
                        .build())
                .build();
    }

    /** A unique key refused the insert (SQL state 23505, on H2 and PostgreSQL): another writer was first. */
    static boolean lostTheRace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Axon's JacksonSerializer over the domain's JSON form. It mutates its ObjectMapper, so it gets a copy. */
    public static Serializer serializer() {
        ObjectMapper mapper = InvoiceJson.objectMapper();
        return JacksonSerializer.builder().objectMapper(mapper.copy()).lenientDeserialization().build();
    }

    public Configuration configuration() {
        return configuration;
    }

    public CommandGateway commandGateway() {
        return configuration.commandGateway();
    }

    /** The stream's changes, loaded, decided and appended a batch at a time without a command per invoice. */
    public InvoiceChanges invoiceChanges() {
        return appender;
    }

    /** The same, as one Axon command per invoice: the path before issue 14, for comparison. */
    public InvoiceChanges invoiceChangesThroughCommands() {
        return new AxonCommandChanges(commandGateway());
    }

    public TokenStore tokenStore() {
        return tokenStore;
    }

    public JdbcTransactions transactions() {
        return transactions;
    }

    /** Drops every cached invoice; the next command or batch re-sources its invoices from the store. */
    public void forgetCachedAggregates() {
        aggregateCache.removeAll();
        appender.forgetAll();
    }

    public ParkedRecords parkedRecords() {
        return parkedRecords;
    }

    /** The bootstrap runs recorded in this store (ADR 0017). */
    public BootstrapRuns bootstrapRuns() {
        return new BootstrapRuns(transactions);
    }

    /** Every stored event, in the order they were stored. */
    public List<TrackedEventMessage<?>> readAll() {
        try (Stream<? extends TrackedEventMessage<?>> events = storageEngine.readEvents(null, false)) {
            return events.<TrackedEventMessage<?>>map(e -> e).toList();
        }
    }

    /** The events stored after global index {@code index}, in the order they were stored. */
    public List<TrackedEventMessage<?>> readAfter(long index) {
        TrackingToken after = index < 0 ? null : GapAwareTrackingToken.newInstance(index, java.util.Set.of());
        try (Stream<? extends TrackedEventMessage<?>> events = storageEngine.readEvents(after, false)) {
            return events.<TrackedEventMessage<?>>map(e -> e).toList();
        }
    }

    /** When the first event stored after global index {@code index} was stored; empty when there is none. */
    public java.util.Optional<java.time.Instant> storedAfter(long index) {
        TrackingToken after = index < 0 ? null : GapAwareTrackingToken.newInstance(index, java.util.Set.of());
        try (Stream<? extends TrackedEventMessage<?>> events = storageEngine.readEvents(after, false)) {
            return events.findFirst().map(TrackedEventMessage::getTimestamp);
        }
    }

    /** The global index of the newest stored event, or -1 when the store is empty. */
    public long headIndex() {
        return Stream.ofNullable(storageEngine.createHeadToken())
                .flatMap(t -> t.position().stream().boxed()).findFirst().orElse(-1L);
    }

    @Override
    public void close() {
        configuration.shutdown();
    }
}
