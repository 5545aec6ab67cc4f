package io.invoicestreams.app.readmodel;

import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.quarkus.arc.All;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/**
 * Starts and completes the rebuild of a read model, with what its feature does around it (the search index swaps its
 * new generation in once the replay has caught up). The CLI's {@code rebuild} and the REST API both use it.
 */
@Singleton
public class Rebuilds {

    private final ProjectionControl control;
    private final List<ReadModelBinding> readModels;

    Rebuilds(ProjectionControl control, @All List<ReadModelBinding> readModels) {
        this.control = control;
        this.readModels = readModels;
    }

    /** The read models that this node runs and that a rebuild may replay. */
    public Set<String> names() {
        return new java.util.TreeSet<>(readModels.stream().filter(r -> r.runsHere() && r.model().rebuildable())
                .map(ReadModelBinding::name).toList());
    }

    /**
     * Starts the rebuild of a read model on this node.
     *
     * @throws ProjectionControl.RebuildRefused when another node holds its segments, or it does not replay
     * @throws IllegalArgumentException         when no read model of that name runs here
     */
    public void start(String name) {
        ReadModelBinding binding = binding(name);
        control.startRebuild(name);
        binding.hooks().rebuildStarted(control);
    }

    /** Ends a rebuild that has caught up: for the search index, the swap; nothing for the others. Idempotent. */
    public void complete(String name) {
        binding(name).hooks().rebuildCaughtUp();
    }

    private ReadModelBinding binding(String name) {
        return readModels.stream().filter(r -> r.name().equals(name) && r.runsHere()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no read model named '" + name + "' runs here;"
                        + " known: " + names()));
    }
}
