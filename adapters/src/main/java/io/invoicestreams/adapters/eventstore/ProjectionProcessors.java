package io.invoicestreams.adapters.eventstore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.util.function.Consumer;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * Registers each read model as its own processing group on its own pooled streaming processor, with its own
 * tokens in the token store. A failing handler fails its batch, which is retried (the listener error handler
 * propagates instead of Axon's default of logging and skipping the event).
 */
public final class ProjectionProcessors {

    /**
     * @param batchSize          events per unit of work; the totals projection writes once per invoice per batch
     * @param segments           segments of a new processor; at most this many threads process it at once
     * @param tokenClaimInterval how often a processor looks for unclaimed segments
     */
    public record Settings(int batchSize, int segments, Duration tokenClaimInterval) {
        public Settings {
            if (batchSize < 1 || segments < 1) {
                throw new IllegalArgumentException("batch size and segments must be at least 1");
            }
            Objects.requireNonNull(tokenClaimInterval, "tokenClaimInterval");
        }
    }

    /**
     * A read model: its processing group name and its handler object.
     *
     * @param historyIsNew on the processor's first start, handle the events already stored as new ones. Axon's
     *                     default (since 4.9) starts a new processor with a ReplayToken up to the head, so a
     *                     {@code @DisallowReplay} handler would skip the whole history: an archive introduced into a
     *                     running installation would never hold what came before it.
     * @param deadLetters  park an event that fails on its own (and the later ones of its invoice) in the group's
     *                     JDBC dead-letter queue and go on with other invoices; a passing failure of a part (the
     *                     store is down) still fails the batch, which is retried with the processor's backoff
     */
    public record Projection(String name, Object handler, boolean historyIsNew, boolean deadLetters) {
        public Projection {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(handler, "handler");
        }

        /** A rebuildable read model: its first start replays the history (Axon's default). */
        public Projection(String name, Object handler) {
            this(name, handler, false, false);
        }

        public Projection(String name, Object handler, boolean historyIsNew) {
            this(name, handler, historyIsNew, false);
        }
    }

    private ProjectionProcessors() {
    }

    /** A read model's write span, ended once: at commit, at rollback or when the handler throws. */
    private static final class WriteSpan {
        private final io.opentelemetry.api.trace.Span span;
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        WriteSpan(io.opentelemetry.api.trace.Span span) {
            this.span = span;
        }

        io.opentelemetry.api.trace.Span span() {
            return span;
        }

        void end(Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, failure.toString());
            }
            span.end();
        }
    }

    /** Registers read models without dead-letter queues. */
    public static Consumer<Configurer> register(List<Projection> projections, Settings settings) {
        return register(projections, settings, null);
    }

    /**
     * @param transactions the store's transactions, which a dead-letter queue shares (needed when a projection has
     *                     dead letters)
     */
    public static Consumer<Configurer> register(List<Projection> projections, Settings settings,
                                                JdbcTransactions transactions) {
        return register(projections, settings, transactions, (group, changedAt) -> { });
    }

    /** Told, after each committed batch of a read model, when each of its live events' stream record was created. */
    @FunctionalInterface
    public interface Written {
        void written(String group, java.time.Instant changedAt);
    }

    /** @param written told of each live (not replayed) event a read model's committed batch held */
    public static Consumer<Configurer> register(List<Projection> projections, Settings settings,
                                                JdbcTransactions transactions, Written written) {
        return configurer -> configurer.eventProcessing(processing -> {
            for (Projection projection : projections) {
                processing.registerHandlerInterceptor(projection.name(), configuration -> {
                    StreamTracing tracing = StreamTracing.of(configuration);
                    return (unitOfWork, chain) -> {
                        var message = unitOfWork.getMessage();
                        boolean live = !org.axonframework.eventhandling.ReplayToken.isReplay(message);
                        WriteSpan span = new WriteSpan(live ? tracing.write(projection.name(), message)
                                : io.opentelemetry.api.trace.Span.getInvalid());
                        unitOfWork.afterCommit(u -> span.end(null));
                        unitOfWork.onRollback(u -> span.end(new IllegalStateException(
                                "the read model's batch rolled back; it is retried")));
                        Object result;
                        try (var ignored = span.span().makeCurrent()) {
                            result = chain.proceed();
                        } catch (Exception | Error e) {
                            span.end(e);
                            throw e;
                        }
                        if (live && message.getPayload() instanceof io.invoicestreams.domain.invoice.InvoiceEvent e) {
                            java.time.Instant changedAt = e.change().changedAt();
                            unitOfWork.afterCommit(u -> written.written(projection.name(), changedAt));
                        }
                        return result;
                    };
                });
                if (projection.deadLetters()) {
                    Objects.requireNonNull(transactions, "transactions");
                    JdbcTransactions nested = transactions.withSavepoints();
                    processing.registerDeadLetterQueue(projection.name(), configuration -> DeadLetters.queue(
                                    projection.name(), nested, configuration.eventSerializer()))
                            .registerDeadLetterPolicy(projection.name(), configuration -> DeadLetters.policy())
                            .registerTransactionManager(projection.name(), configuration -> nested)
                            // Remembers which invoices have parked events, so an event of any other invoice does
                            // not ask the database whether its invoice is parked.
                            // A reset (rebuild) clears the group's parked events: the replay handles them again
                            // in order, and parks again whatever still fails.
                            .registerDeadLetteringEventHandlerInvokerConfiguration(projection.name(),
                                    (configuration, builder) -> builder.enableSequenceIdentifierCache()
                                            .allowReset(true));
                }
                processing.registerPooledStreamingEventProcessor(projection.name(), Configuration::eventStore,
                                (configuration, builder) -> (projection.historyIsNew()
                                        ? builder.initialToken(StreamableMessageSource::createTailToken) : builder)
                                        .batchSize(settings.batchSize())
                                        .initialSegmentCount(settings.segments())
                                        .tokenClaimInterval(settings.tokenClaimInterval().toMillis()))
                        .registerEventHandler(configuration -> projection.handler())
                        .assignHandlerInstancesMatching(projection.name(), handler -> handler == projection.handler())
                        .registerListenerInvocationErrorHandler(projection.name(),
                                configuration -> PropagatingErrorHandler.instance());
            }
        });
    }
}
