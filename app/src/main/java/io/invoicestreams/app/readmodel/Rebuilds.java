package io.invoicestreams.app.readmodel;

import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.RebuildCoordinator;
import io.quarkus.arc.All;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starts and completes the rebuild of a read model. A read model that folds its history ({@code Hooks.newFold}) is
 * rebuilt while every node serves, through the {@link RebuildCoordinator} (ADR 0022, ADR 0023); one that does not
 * would be replayed in place on this node, with what its feature does around it. Every rebuildable read model folds
 * today. The CLI's {@code rebuild} and the REST API both use it.
 */
@Singleton
public class Rebuilds {

    private final ProjectionControl control;
    private final RebuildCoordinator coordinator;
    private final List<ReadModelBinding> readModels;

    Rebuilds(ProjectionControl control, RebuildCoordinator coordinator, @All List<ReadModelBinding> readModels) {
        this.control = control;
        this.coordinator = coordinator;
        this.readModels = readModels;
    }

    /** The read models that this node runs and that a rebuild may replay. */
    public Set<String> names() {
        return new java.util.TreeSet<>(readModels.stream().filter(r -> r.runsHere() && r.model().rebuildable())
                .map(ReadModelBinding::name).toList());
    }

    /** True when the read model is rebuilt by folding its history, on whichever node takes it. */
    public boolean folds(String name) {
        return coordinator.names().contains(name);
    }

    /**
     * Starts the rebuild of a read model: asks the nodes for a folded rebuild, or replays it in place on this node.
     *
     * @return the folded rebuild asked for (or already under way); empty for a replay in place
     * @throws ProjectionControl.RebuildRefused when another node holds its segments, or it does not replay
     * @throws IllegalArgumentException         when no read model of that name runs here
     */
    public Optional<RebuildCoordinator.Rebuild> start(String name) {
        ReadModelBinding binding = binding(name);
        if (folds(name)) {
            return Optional.of(coordinator.request(name));
        }
        control.startRebuild(name);
        binding.hooks().rebuildStarted(control);
        return Optional.empty();
    }

    /** The folded rebuild of a read model as its row says, if one was ever asked for. */
    public Optional<RebuildCoordinator.Rebuild> folded(String name) {
        return coordinator.status(name);
    }

    /** Every folded rebuild recorded, the newest of each read model. */
    public List<RebuildCoordinator.Rebuild> folded() {
        return coordinator.all();
    }

    /**
     * True while the read model is being rebuilt. For a read model that folds, the coordinator's last tick says so,
     * with no query (the read endpoints ask this on every request); only a read model that replays in place asks
     * its processor.
     */
    public boolean rebuilding(String name) {
        return coordinator.active(name) || (!folds(name) && control.status(name).replaying());
    }

    /** Ends a replay in place that has caught up: for the search index, the swap; nothing for the others. */
    public void complete(String name) {
        binding(name).hooks().rebuildCaughtUp();
    }

    private ReadModelBinding binding(String name) {
        return readModels.stream().filter(r -> r.name().equals(name) && r.runsHere()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no read model named '" + name + "' runs here;"
                        + " known: " + names()));
    }
}
