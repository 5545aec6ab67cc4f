package io.invoicestreams.projections;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A read model rebuilt in memory (issue 15, ADR 0022): its own event handler, over an in-memory store with the
 * port's semantics, takes the whole history; then {@link #writeOver()} writes the final items over the live read
 * model, each in one write, and deletes the items the history no longer yields. A reader of the live read model
 * sees each item go from one complete value to another, never a partial one.
 *
 * <p>A fold is used once: a rebuild asks its read model's feature for a new one.
 */
public interface Fold {

    /** The read model's event handler, writing to memory. */
    Object handler();

    /**
     * The classes of the events the handler takes; a sealed interface stands for the classes it permits. The
     * rebuild reads only these from the store.
     */
    List<Class<?>> events();

    /** Items folded so far. */
    long size();

    /** Writes the folded items over the live read model, and deletes the live items it did not fold. */
    Replaced writeOver();

    /** A fold of these parts. */
    static Fold of(Object handler, List<Class<?>> events, LongSupplier size, Supplier<Replaced> writeOver) {
        Objects.requireNonNull(handler, "handler");
        List<Class<?>> types = List.copyOf(events);
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(writeOver, "writeOver");
        return new Fold() {
            @Override
            public Object handler() {
                return handler;
            }

            @Override
            public List<Class<?>> events() {
                return types;
            }

            @Override
            public long size() {
                return size.getAsLong();
            }

            @Override
            public Replaced writeOver() {
                return writeOver.get();
            }
        };
    }
}
