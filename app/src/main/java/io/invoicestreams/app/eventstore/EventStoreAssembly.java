package io.invoicestreams.app.eventstore;

import io.agroal.api.AgroalDataSource;
import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.StreamTracing;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.eventstore.RebuildCoordinator;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.app.Closing;
import io.invoicestreams.app.CoreAssembly.DataDir;
import io.invoicestreams.app.CoreAssembly.NodeId;
import io.invoicestreams.app.Invocation;
import io.invoicestreams.app.InvoiceStreamsConfig;
import io.invoicestreams.app.Metrics;
import io.invoicestreams.app.readmodel.ReadModelBinding;
import io.invoicestreams.app.readmodel.ReadModels;
import io.invoicestreams.app.readmodel.ReadModelsConfig;
import io.quarkus.arc.All;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The event store: its database (H2 under the data folder by default, PostgreSQL in production), its transactions,
 * Axon started with every read model's processor, the control of those read models, and their dead letters.
 */
@Singleton
public class EventStoreAssembly {

    /**
     * Where the event store lives, and how long a call to it may stay unanswered. Its password is kept out of
     * {@link #toString()}.
     */
    public record StoreDatabase(String url, String user, String password, java.time.Duration callTimeout) {
        /** A pool of at most {@code maxSize} connections to it. */
        public AgroalDataSource pool(int maxSize) {
            return EventStoreDatabase.pool(url, user, password, maxSize, callTimeout);
        }

        /** A pool that tells {@code h2ClosedItself} when an embedded H2 database closed itself. */
        public AgroalDataSource pool(int maxSize, java.util.function.Consumer<SQLException> h2ClosedItself) {
            return EventStoreDatabase.pool(url, user, password, maxSize, callTimeout, h2ClosedItself);
        }

        public boolean postgres() {
            return url.startsWith("jdbc:postgresql:");
        }

        /** The URL without its password parameter, for logs. */
        public String redacted() {
            return redact(url);
        }

        @Override
        public String toString() {
            return redacted();
        }
    }

    @Produces
    @Singleton
    StoreDatabase database(InvoiceStreamsConfig config, DataDir data, Invocation invocation) {
        invocation.requireStore("open the event store");
        String url = config.store().url().filter(u -> !u.isBlank())
                .orElseGet(() -> EventStoreDatabase.h2FileUrl(data.path()));
        return new StoreDatabase(url, config.store().user().orElse(url.startsWith("jdbc:h2") ? "sa" : null),
                config.store().password().orElse(""), config.store().callTimeout());
    }

    @Produces
    @Singleton
    AgroalDataSource dataSource(StoreDatabase database, InvoiceStreamsConfig config, DataDir data, StoreLoss loss) {
        AgroalDataSource pool = database.pool(config.store().poolSize(), closed -> loss.lost(data.path(), closed));
        try (Connection ignored = pool.getConnection()) {
            return pool;
        } catch (SQLException e) {
            pool.close();
            throw unusable(database, e);
        }
    }

    void closeDataSource(@Disposes AgroalDataSource dataSource) {
        Closing.close(dataSource);
    }

    @Produces
    @Singleton
    JdbcTransactions transactions(AgroalDataSource dataSource) {
        return new JdbcTransactions(dataSource);
    }

    /** Starts Axon with every read model that runs in this process, each on its own processor. */
    @Produces
    @Singleton
    InvoiceEventStore store(JdbcTransactions transactions, @All List<ReadModelBinding> readModels,
                            InvoiceStreamsConfig config, ReadModelsConfig readModelsConfig, NodeId node,
                            Clock clock, Metrics metrics, io.opentelemetry.api.OpenTelemetry openTelemetry,
                            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.otel.sdk.disabled")
                            boolean tracingOff) {
        var p = readModelsConfig.processing();
        if (p.batchSize() < 1 || p.segments() < 1) {
            throw new IllegalArgumentException("invoice.read-models.processing.batch-size and .segments must be 1 or"
                    + " more, were " + p.batchSize() + " and " + p.segments());
        }
        List<ProjectionProcessors.Projection> running = ReadModels.inOrder(readModels).stream()
                .filter(ReadModelBinding::runsHere)
                .map(r -> new ProjectionProcessors.Projection(r.name(), r.handler().get(), r.model().historyIsNew(),
                        r.model().deadLetters()))
                .toList();
        return InvoiceEventStore.start(transactions, node.value(), config.node().claimTimeout(), clock,
                config.store().aggregateCacheSize(), p.wakeOnAppend()
                        ? InvoiceEventStore.ProcessorStreams.waking(p.pollInterval())
                        : InvoiceEventStore.ProcessorStreams.AXON_POLLING, ProjectionProcessors.register(running,
                        new ProjectionProcessors.Settings(p.batchSize(), p.segments(), p.claimInterval()),
                        transactions, metrics::written)
                        // A disabled SDK still hands out valid span contexts; the events must not carry them then.
                        .andThen((tracingOff ? StreamTracing.OFF : new StreamTracing(openTelemetry)).register()));
    }

    void closeStore(@Disposes InvoiceEventStore store) {
        Closing.close(store);
    }

    @Produces
    @Singleton
    org.axonframework.commandhandling.gateway.CommandGateway commandGateway(InvoiceEventStore store) {
        return store.commandGateway();
    }

    @Produces
    @Singleton
    io.invoicestreams.adapters.jdbc.ParkedRecords parkedRecords(InvoiceEventStore store) {
        return store.parkedRecords();
    }

    @Produces
    @Singleton
    ProjectionControl projections(InvoiceEventStore store, Metrics metrics, Clock clock) {
        ProjectionControl control = new ProjectionControl(store);
        metrics.readModels(control, store::storedAfter, clock);
        return control;
    }

    /**
     * The rebuilds of read models that fold their history, coordinated with the other nodes through the store
     * (ADR 0022). It looks at the rebuilds four times a second once the lifecycle starts it.
     */
    @Produces
    @Singleton
    RebuildCoordinator rebuilds(InvoiceEventStore store, @All List<ReadModelBinding> readModels,
                                InvoiceStreamsConfig config, ReadModelsConfig readModelsConfig, NodeId node,
                                Clock clock) {
        java.util.Map<String, java.util.function.Supplier<io.invoicestreams.projections.Fold>> folds =
                new java.util.HashMap<>();
        java.util.Set<String> inThisNode = new java.util.HashSet<>();
        for (ReadModelBinding readModel : readModels) {
            if (readModel.runsHere() && readModel.model().rebuildable() && readModel.hooks().newFold().isPresent()) {
                folds.put(readModel.name(), () -> readModel.hooks().newFold().orElseThrow());
                if (readModel.hooks().partInThisNode().isPresent()) {
                    inThisNode.add(readModel.name());
                }
            }
        }
        Duration claimTimeout = config.node().claimTimeout();
        RebuildCoordinator coordinator = new RebuildCoordinator(store, node.value(), folds, inThisNode,
                readModelsConfig.processing().segments(), clock, claimTimeout, claimTimeout.plusSeconds(5));
        for (ReadModelBinding readModel : readModels) {
            if (readModel.runsHere()) {
                coordinator.beforeResume(readModel.name(), readModel.hooks()::beforeResume);
            }
        }
        return coordinator;
    }

    void closeRebuilds(@Disposes RebuildCoordinator rebuilds) {
        rebuilds.close();
    }

    /** The dead-letter queues of every configured read model that has them, whether or not it runs here. */
    @Produces
    @Singleton
    DeadLetters.Queues deadLetters(InvoiceEventStore store, @All List<ReadModelBinding> readModels,
                                   InvoiceStreamsConfig config, Clock clock, Metrics metrics) {
        var retry = config.deadLetters();
        List<String> groups = ReadModels.inOrder(readModels).stream().filter(r -> r.enabled() && r.model().deadLetters())
                .map(ReadModelBinding::name).toList();
        DeadLetters.Queues queues = new DeadLetters.Queues(store, groups, clock,
                new DeadLetters.Backoff(retry.initialBackoff(), retry.maxBackoff()));
        metrics.deadLetters(queues);
        return queues;
    }

    @Produces
    @Singleton
    DeadLetterRetry deadLetterRetry(DeadLetters.Queues queues, InvoiceStreamsConfig config) {
        return new DeadLetterRetry(queues, config.deadLetters().interval());
    }

    void closeDeadLetterRetry(@Disposes DeadLetterRetry retry) {
        retry.close();
    }

    /** H2's file lock becomes a message a person can act on. */
    private static RuntimeException unusable(StoreDatabase database, SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains("Database may be already in use")) {
                return new IllegalStateException("the H2 event store at " + database.redacted() + " is open in a"
                        + " running instance of the service: stop it first, or use its HTTP API (for a rebuild: POST"
                        + " /admin/projections/NAME/rebuild)", e);
            }
        }
        return new IllegalStateException("cannot open the event store at " + database.redacted() + ": "
                + e.getMessage(), e);
    }

    /** A JDBC URL without its password parameter, for logs. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
