package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.invoice.ChangeIdentity;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MetaData;

/**
 * One trace per stream batch (ADR 0030): the batch's span is the root, each stream record whose events it appends
 * gets a span under it, and each event carries its record's span context in its metadata (W3C {@code traceparent}),
 * so that every read model's write of the event is a span under the record it came from, on whichever node and
 * however much later the read model handles it. With tracing off (the default: a no-op OpenTelemetry) nothing is
 * recorded and the events carry no metadata.
 */
public final class StreamTracing {

    /** Records nothing. */
    public static final StreamTracing OFF = new StreamTracing(OpenTelemetry.noop());

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Map<String, ?>> METADATA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, ?> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, ?> carrier, String key) {
            Object value = carrier == null ? null : carrier.get(key);
            return value == null ? null : value.toString();
        }
    };

    private final Tracer tracer;

    public StreamTracing(OpenTelemetry openTelemetry) {
        this.tracer = Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer("invoice-streams");
    }

    /** Makes this the tracing of an event store started with the configurer. */
    public Consumer<Configurer> register() {
        return configurer -> configurer.registerComponent(StreamTracing.class, c -> this);
    }

    /** The tracing registered with the store's configuration, or {@link #OFF}. */
    public static StreamTracing of(Configuration configuration) {
        return configuration.getComponent(StreamTracing.class, () -> OFF);
    }

    /**
     * Runs a stream batch's ingestion in a span of its own, the root of a new trace; the span records the failure
     * when the work throws.
     */
    public <T> T batch(String shardId, int records, Supplier<T> work) {
        Span span = tracer.spanBuilder("ingest stream batch").setNoParent().setSpanKind(SpanKind.CONSUMER)
                .setAttribute("stream.shard_id", shardId == null ? "none" : shardId)
                .setAttribute("stream.records", records).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.toString());
            throw e;
        } finally {
            span.end();
        }
    }

    /** The record spans of one append: each record's span is opened with its first event and ended by {@link #close}. */
    public final class Records implements AutoCloseable {
        private final Context batch = Context.current();
        private final boolean traced = Span.fromContext(batch).getSpanContext().isValid();
        private final Map<String, Span> spans = new HashMap<>();

        /** The metadata of an event appended now: its record's span context; empty when no batch is traced. */
        public MetaData metaData(InvoiceNumber invoice, InvoiceEvent event) {
            if (!traced) {
                return MetaData.emptyInstance();
            }
            ChangeIdentity change = event.change();
            Span record = spans.computeIfAbsent(change.eventId(), id -> tracer.spanBuilder("store stream record")
                    .setParent(batch).setAttribute("stream.event_id", id)
                    .setAttribute("stream.shard_id", change.shardId())
                    .setAttribute("stream.sequence_number", change.sequence().value())
                    .setAttribute("invoice.number", invoice.value())
                    .setAttribute("invoice.transaction_id", event.transactionId().value()).startSpan());
            record.addEvent(event.getClass().getSimpleName());
            Map<String, String> carrier = new HashMap<>();
            W3C.inject(batch.with(record), carrier, Map::put);
            return MetaData.from(carrier);
        }

        @Override
        public void close() {
            spans.values().forEach(Span::end);
        }
    }

    /** Opens the record spans of an append under the current batch span. */
    public Records records() {
        return new Records();
    }

    /**
     * A read model's write of an event, as a span under the record the event came from; an invalid (not recording)
     * span when the event carries no span context. The caller ends it.
     */
    public Span write(String group, EventMessage<?> message) {
        Context parent = W3C.extract(Context.root(), message.getMetaData(), METADATA);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return Span.getInvalid();
        }
        var builder = tracer.spanBuilder("write " + group).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("read_model", group)
                .setAttribute("event.type", message.getPayloadType().getSimpleName());
        if (message.getPayload() instanceof InvoiceEvent event) {
            builder.setAttribute("invoice.number", event.invoiceNumber().value())
                    .setAttribute("stream.event_id", event.change().eventId());
        }
        return builder.startSpan();
    }
}
