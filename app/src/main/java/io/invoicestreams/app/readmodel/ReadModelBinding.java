package io.invoicestreams.app.readmodel;

import io.invoicestreams.adapters.eventstore.ProjectionControl;
import java.util.Objects;
import java.util.Optional;

/**
 * A read model as this process runs it: its description, its handler with the ports it writes through, and what
 * its feature does around a rebuild. Each feature produces one as a CDI bean; the event store gathers them all.
 *
 * @param model   the description
 * @param enabled false when the configuration turns the read model off: it has no processor and no dead letters
 * @param handler the event handler; empty when the read model is on but does not run in this process (the
 *                notifications in a rebuild): its dead letters can still be listed
 * @param hooks   what the feature does when the store has started and around a rebuild
 */
public record ReadModelBinding(ReadModel model, boolean enabled, Optional<Object> handler, Hooks hooks) {

    public ReadModelBinding {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(hooks, "hooks");
        if (!enabled && handler.isPresent()) {
            throw new IllegalArgumentException(model.name() + " is off, so it has no handler");
        }
        handler.ifPresent(h -> {
            if (!model.handlerType().isInstance(h)) {
                throw new IllegalArgumentException(model.name() + ": the handler is a " + h.getClass().getName()
                        + ", not a " + model.handlerType().getName());
            }
        });
    }

    /** A read model that runs here and needs nothing around a rebuild. */
    public static ReadModelBinding of(ReadModel model, Object handler) {
        return of(model, handler, Hooks.NONE);
    }

    /** A read model that runs here, with what its feature does around its life. */
    public static ReadModelBinding of(ReadModel model, Object handler, Hooks hooks) {
        return new ReadModelBinding(model, true, Optional.of(handler), hooks);
    }

    /** A read model that is on, but whose processor does not run in this process. */
    public static ReadModelBinding elsewhere(ReadModel model) {
        return new ReadModelBinding(model, true, Optional.empty(), Hooks.NONE);
    }

    /** A read model that the configuration turns off. */
    public static ReadModelBinding off(ReadModel model) {
        return new ReadModelBinding(model, false, Optional.empty(), Hooks.NONE);
    }

    /** True when its processor runs in this process. */
    public boolean runsHere() {
        return handler.isPresent();
    }

    public String name() {
        return model.name();
    }

    /** What a feature does around its read model's life; each step is idempotent. */
    public interface Hooks {
        Hooks NONE = new Hooks() {
        };

        /** After the event store and its processors started in this process. */
        default void started(ProjectionControl control) {
        }

        /** At shutdown, before the store stops: stop what the feature runs in the background. Idempotent. */
        default void stopping() {
        }

        /** After a rebuild of this read model started on this node. */
        default void rebuildStarted(ProjectionControl control) {
        }

        /**
         * On every node, before its processor of this read model resumes after a folded rebuild, whichever node ran
         * it; a failure keeps the processor stopped until the next try.
         */
        default void beforeResume() {
        }

        /** After a rebuild of this read model caught up with the store. */
        default void rebuildCaughtUp() {
        }

        /**
         * A new fold of this read model, for a rebuild that folds the history in memory and writes the result over
         * the live read model while the service serves (ADR 0022); empty when it rebuilds by replaying in place.
         */
        default java.util.Optional<io.invoicestreams.projections.Fold> newFold() {
            return java.util.Optional.empty();
        }

        /**
         * A part of this read model that lives inside this node, named with the key that makes it shared; nodes on
         * one store split the segments, so such a part would hold only this node's share (ADR 0016).
         */
        default java.util.Optional<String> partInThisNode() {
            return java.util.Optional.empty();
        }
    }
}
