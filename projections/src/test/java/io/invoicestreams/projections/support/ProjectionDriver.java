package io.invoicestreams.projections.support;

import java.util.List;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * Delivers events to a projection the way a streaming processor does: in batches, each batch in one unit of
 * work that commits at its end. The handler is found through Axon's annotations, as in the processor.
 */
public final class ProjectionDriver {

    private final AnnotationEventHandlerAdapter adapter;

    public ProjectionDriver(Object projection) {
        this.adapter = new AnnotationEventHandlerAdapter(projection);
    }

    /** Delivers the events in batches of {@code batchSize}. */
    public ProjectionDriver deliver(List<? extends EventMessage<?>> events, int batchSize) {
        for (int from = 0; from < events.size(); from += batchSize) {
            batch(events.subList(from, Math.min(events.size(), from + batchSize)));
        }
        return this;
    }

    /** Delivers the events as one batch. */
    public ProjectionDriver batch(List<? extends EventMessage<?>> events) {
        if (events.isEmpty()) {
            return this;
        }
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(List.copyOf(events));
        var result = unitOfWork.executeWithResult(() -> adapter.handle((EventMessage<?>) CurrentUnitOfWork.get().getMessage()));
        if (result.isExceptional()) {
            throw new IllegalStateException("the batch failed", result.exceptionResult());
        }
        return this;
    }

    /** Runs the projection's reset handler, as a token reset does. */
    public ProjectionDriver reset() {
        adapter.prepareReset(null);
        return this;
    }
}
