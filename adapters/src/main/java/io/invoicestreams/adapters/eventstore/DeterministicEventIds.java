package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;

/**
 * Gives each invoice event an id derived from its stream record: a name-based UUID of the record's eventID and the
 * event type (one record yields at most one event of each type). The event store's unique event id then refuses
 * a second event for one record, should the aggregate's own duplicate check ever be bypassed.
 */
public final class DeterministicEventIds implements MessageDispatchInterceptor<EventMessage<?>> {

    public static String idFor(InvoiceEvent event) {
        String name = event.change().eventId() + "/" + event.getClass().getSimpleName();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Override
    public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
        return (index, message) -> {
            if (message instanceof DomainEventMessage<?> domain && domain.getPayload() instanceof InvoiceEvent event) {
                return withId(domain, event);
            }
            return message;
        };
    }

    private static <T> EventMessage<?> withId(DomainEventMessage<T> domain, InvoiceEvent event) {
        return new GenericDomainEventMessage<>(domain.getType(), domain.getAggregateIdentifier(),
                domain.getSequenceNumber(),
                new GenericMessage<>(idFor(event), domain.getPayload(), domain.getMetaData()),
                domain.getTimestamp());
    }
}
