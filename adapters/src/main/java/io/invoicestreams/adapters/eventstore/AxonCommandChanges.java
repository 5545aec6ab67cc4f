package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.invoice.ApplyTransactionChanges;
import io.invoicestreams.domain.invoice.ChangeOutcome;
import io.invoicestreams.domain.invoice.TransactionChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * The changes as one Axon {@link ApplyTransactionChanges} command per invoice, through the command bus and Axon's
 * repository: the path before issue 14, kept as the benchmark's baseline (ADR 0021).
 *
 * <p>{@value #INVOICES_PER_UNIT_OF_WORK} invoices go to a unit of work, which appends their events in one insert
 * when it commits, inside the caller's JDBC transaction. One unit of work for a whole batch would be slower: on each
 * aggregate load Axon scans every staged event of the unit of work, which is quadratic in its size.
 */
public final class AxonCommandChanges implements InvoiceChanges {

    static final int INVOICES_PER_UNIT_OF_WORK = 64;

    private final CommandGateway commands;

    public AxonCommandChanges(CommandGateway commands) {
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    @Override
    public Map<InvoiceNumber, List<ChangeOutcome>> apply(Map<InvoiceNumber, List<TransactionChange>> changes) {
        Map<InvoiceNumber, List<ChangeOutcome>> outcomes = new LinkedHashMap<>();
        List<Map.Entry<InvoiceNumber, List<TransactionChange>>> all = new ArrayList<>(changes.entrySet());
        for (int from = 0; from < all.size(); from += INVOICES_PER_UNIT_OF_WORK) {
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
            try {
                for (var group : all.subList(from, Math.min(all.size(), from + INVOICES_PER_UNIT_OF_WORK))) {
                    List<ChangeOutcome> result = commands.sendAndWait(
                            new ApplyTransactionChanges(group.getKey(), group.getValue()));
                    outcomes.put(group.getKey(), result);
                }
                unitOfWork.commit();
            } catch (RuntimeException e) {
                if (unitOfWork.isActive()) {
                    unitOfWork.rollback(e);
                }
                throw e;
            }
        }
        return outcomes;
    }
}
