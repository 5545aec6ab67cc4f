package io.invoicestreams.app;

import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.RebuildCoordinator;
import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.app.source.SourceConfig;
import io.invoicestreams.app.eventstore.DeadLetterRetry;
import io.invoicestreams.app.eventstore.EventStoreAssembly.StoreDatabase;
import io.invoicestreams.app.readmodel.ReadModelBinding;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starts what the command needs, in order: the event store with every read model's processor (which makes each
 * feature's ports), then each feature's start-up step, then, in a serving process, the dead-letter retry and the
 * source last. On shutdown it stops the source and the store first; the container then disposes the ports and
 * clients, whose order it does not promise (quarkusio/quarkus#40460), which is safe once nothing runs.
 */
@Singleton
public class ServiceLifecycle {

    private static final Logger LOG = Logger.getLogger(ServiceLifecycle.class);

    private final Invocation invocation;
    private final InvoiceStreamsConfig config;
    private final SourceConfig sourceConfig;
    private final Instance<InvoiceEventStore> store;
    private final Instance<ProjectionControl> control;
    private final Instance<ChangeSource> source;
    private final Instance<DeadLetterRetry> deadLetterRetry;
    private final Instance<StoreDatabase> database;
    private final Instance<ReadModelBinding> readModels;
    private final Instance<RebuildCoordinator> rebuilds;
    private volatile ChangeSource started;

    /** How often a node looks at the rebuilds asked for (ADR 0022). */
    static final java.time.Duration REBUILD_TICK = java.time.Duration.ofMillis(250);

    ServiceLifecycle(Invocation invocation, InvoiceStreamsConfig config, SourceConfig sourceConfig,
                     Instance<InvoiceEventStore> store,
                     Instance<ProjectionControl> control, Instance<ChangeSource> source,
                     Instance<DeadLetterRetry> deadLetterRetry, Instance<StoreDatabase> database,
                     Instance<ReadModelBinding> readModels, Instance<RebuildCoordinator> rebuilds) {
        this.rebuilds = rebuilds;
        this.invocation = invocation;
        this.config = config;
        this.sourceConfig = sourceConfig;
        this.store = store;
        this.control = control;
        this.source = source;
        this.deadLetterRetry = deadLetterRetry;
        this.database = database;
        this.readModels = readModels;
    }

    void onStart(@Observes StartupEvent event) {
        if (!invocation.mode().runsStore()) {
            return; // query, report and archive read the archive only
        }
        store.get();
        // Before anything else, so that a processor whose read model is being rebuilt stops within a tick.
        rebuilds.get().start(REBUILD_TICK);
        ProjectionControl projections = control.get();
        for (ReadModelBinding readModel : readModels) {
            readModel.hooks().started(projections);
        }
        if (invocation.mode() != Mode.SERVE) {
            LOG.infof("Not following the stream: this process runs the %s command", invocation.command().word());
            return;
        }
        deadLetterRetry.get().start();
        StoreDatabase db = database.get();
        warnOfPartsInThisNode(db);
        started = source.get();
        started.start();
        LOG.infof("Following the %s of table %s into the event store at %s", switch (sourceConfig.type()) {
            case DYNAMODB_STREAMS -> "DynamoDB stream";
            case KINESIS -> "Kinesis stream " + sourceConfig.kinesis().streamName().orElse("");
        }, config.table(), db.redacted());
    }

    /** The running source, when this process follows the stream. */
    public Optional<ChangeSource> source() {
        return Optional.ofNullable(started);
    }

    /** Stops what runs, in reverse: the source, the retry timer, each feature's background work, the store. */
    void onStop(@Observes ShutdownEvent event) {
        ChangeSource running = started;
        if (running != null) {
            Closing.close(running);
        }
        if (!invocation.mode().runsStore()) {
            return;
        }
        try {
            if (invocation.mode() == Mode.SERVE) {
                Closing.close(deadLetterRetry.get());
            }
            for (ReadModelBinding readModel : readModels) {
                readModel.hooks().stopping();
            }
            Closing.close(rebuilds.get());
            Closing.close(store.get());
        } catch (RuntimeException e) {
            // A start-up that failed half-way: what did not start cannot be made now, and need not be stopped.
            LOG.warnf("Stopping after a failed start-up: %s", e.toString());
        }
    }

    /**
     * Nodes on one PostgreSQL store split every group's segments; a part that lives inside one node then holds only
     * that node's share. Said once at start-up, because a single node on PostgreSQL is a valid set-up too.
     */
    private void warnOfPartsInThisNode(StoreDatabase db) {
        if (!db.postgres()) {
            return;
        }
        List<String> local = new ArrayList<>();
        for (ReadModelBinding readModel : readModels) {
            readModel.hooks().partInThisNode().ifPresent(local::add);
        }
        if (!local.isEmpty()) {
            LOG.warnf("These parts live in this node: %s. Run one node, or configure the shared parts in brackets"
                    + " before adding nodes: nodes on one store split the work between them.", String.join(", ", local));
        }
    }
}
