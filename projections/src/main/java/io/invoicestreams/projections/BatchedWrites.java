package io.invoicestreams.projections;

import io.invoicestreams.domain.InvoiceNumber;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * The writes of one processor batch, gathered per invoice and written once, just before the batch commits its token.
 *
 * <p>When that one write fails, every invoice of the batch is written event by event on the retry. A passing failure
 * (the store is down) then fails the retry too, and the processor backs off. An event that fails whatever the wait
 * fails in its own handler, where the group's dead-letter queue parks it with the later events of its invoice, and
 * the other invoices of the batch go on. An invoice whose event was written alone goes back to batching.
 *
 * @param <P> the pending writes of one batch
 */
public final class BatchedWrites<P> {

    private final String resource;
    private final Supplier<P> empty;
    private final Consumer<P> write;
    private final Set<InvoiceNumber> writeAlone = ConcurrentHashMap.newKeySet();

    /**
     * @param resource the unit-of-work resource name, unique per projection
     * @param empty    makes the pending writes of a new batch
     * @param write    writes a batch's pending writes
     */
    public BatchedWrites(String resource, Supplier<P> empty, Consumer<P> write) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.empty = Objects.requireNonNull(empty, "empty");
        this.write = Objects.requireNonNull(write, "write");
    }

    private final class Batch {
        final P pending = empty.get();
        final Set<InvoiceNumber> invoices = new LinkedHashSet<>();
    }

    /**
     * The pending writes of the current batch, to add the invoice's change to; empty when the change is to be
     * written at once: outside a processor batch, or after a batch of this invoice failed to write.
     */
    public Optional<P> batchFor(InvoiceNumber invoice) {
        if (!CurrentUnitOfWork.isStarted() || writeAlone.contains(invoice)) {
            return Optional.empty();
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        Batch batch = unitOfWork.getOrComputeResource(resource, key -> {
            Batch created = new Batch();
            unitOfWork.onPrepareCommit(u -> flush(created));
            return created;
        });
        batch.invoices.add(invoice);
        return Optional.of(batch.pending);
    }

    /**
     * An event of the invoice was written alone and succeeded. The invoice's later events are batched again once
     * this batch has committed; until then they too are written alone, so that a failing event later in the same
     * batch fails in its own handler again instead of in the batch's one write.
     */
    public void writtenAlone(InvoiceNumber invoice) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().root().afterCommit(u -> writeAlone.remove(invoice));
        } else {
            writeAlone.remove(invoice);
        }
    }

    /** Whether the invoice's events are written one by one, because a batch with it failed to write. */
    public boolean writesAlone(InvoiceNumber invoice) {
        return writeAlone.contains(invoice);
    }

    private void flush(Batch batch) {
        if (batch.invoices.isEmpty()) {
            return;
        }
        try {
            write.accept(batch.pending);
        } catch (RuntimeException e) {
            writeAlone.addAll(batch.invoices);
            throw e;
        }
    }
}
