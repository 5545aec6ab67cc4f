package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import io.invoicestreams.adapters.eventstore.InvoiceChanges;
import io.invoicestreams.adapters.eventstore.StreamTracing;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.change.Translation;
import io.invoicestreams.domain.invoice.ChangeOutcome;
import io.invoicestreams.domain.invoice.TransactionChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one GetRecords batch into the event store in one transaction: the shard checkpoint, the events of every
 * invoice in the batch (each invoice's changes in stream order) and the parked records commit together.
 * A crash before the commit leaves the checkpoint where it was, and the aggregate skips whatever a re-read brings
 * again, so every change becomes its events exactly once.
 */
public final class StreamBatchIngestor {

    private static final Logger LOG = LoggerFactory.getLogger(StreamBatchIngestor.class);
    private final JdbcTransactions transactions;
    private final InvoiceChanges invoices;
    private final ParkedRecords parked;
    private final ShardLeases leases;
    private final StreamMetrics metrics;
    private final Runnable forgetCachedState;
    private final BooleanSupplier bootstrapped;
    private final StreamTracing tracing;

    /**
     * @param forgetCachedState drops cached invoices; called after a failed batch, which may have lost the race for an
     *                          invoice to another writer, so that the retry loads what that writer stored
     */
    public StreamBatchIngestor(JdbcTransactions transactions, InvoiceChanges invoices, ParkedRecords parked,
                               ShardLeases leases, StreamMetrics metrics, Runnable forgetCachedState) {
        this(transactions, invoices, parked, leases, metrics, forgetCachedState, () -> false);
    }

    /**
     * @param bootstrapped true once a {@code bootstrap} of the table has finished (ADR 0017). A deletion of an item
     *                     the store never knew is then explained: the item was gone before the scan read the table,
     *                     so there is nothing to remove and nothing to park. Asked only when such a deletion comes.
     */
    public StreamBatchIngestor(JdbcTransactions transactions, InvoiceChanges invoices, ParkedRecords parked,
                               ShardLeases leases, StreamMetrics metrics, Runnable forgetCachedState,
                               BooleanSupplier bootstrapped) {
        this(transactions, invoices, parked, leases, metrics, forgetCachedState, bootstrapped, StreamTracing.OFF);
    }

    /** @param tracing each batch's ingestion as the root span of a trace (ADR 0030) */
    public StreamBatchIngestor(JdbcTransactions transactions, InvoiceChanges invoices, ParkedRecords parked,
                               ShardLeases leases, StreamMetrics metrics, Runnable forgetCachedState,
                               BooleanSupplier bootstrapped, StreamTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.invoices = Objects.requireNonNull(invoices, "invoices");
        this.parked = Objects.requireNonNull(parked, "parked");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.forgetCachedState = Objects.requireNonNull(forgetCachedState, "forgetCachedState");
        this.bootstrapped = Objects.requireNonNull(bootstrapped, "bootstrapped");
    }

    private <T> T inTransaction(java.util.function.Supplier<T> work) {
        try {
            return transactions.fetchInTransaction(work);
        } catch (RuntimeException e) {
            forgetCachedState.run();
            throw e;
        }
    }

    /** What one batch came to. */
    public record BatchResult(int records, int events, int parked, int superseded) {
    }

    /** The whole batch in one transaction. Throws, with nothing committed, if any part fails. */
    public BatchResult ingest(String leaseName, List<Decoded> batch, ShardCheckpoint checkpoint) {
        return tracing.batch(shardOf(batch), batch.size(), () -> ingestInSpan(leaseName, batch, checkpoint));
    }

    private static String shardOf(List<Decoded> batch) {
        return batch.isEmpty() ? null : batch.getFirst().shardId();
    }

    private BatchResult ingestInSpan(String leaseName, List<Decoded> batch, ShardCheckpoint checkpoint) {
        Plan plan = plan(batch);
        BatchResult result = inTransaction(() -> {
            leases.checkpoint(leaseName, checkpoint);
            int events = applyChanges(plan.groups(), plan.toPark());
            parked.park(plan.toPark());
            return new BatchResult(batch.size(), events, plan.toPark().size(), plan.superseded());
        });
        report(result, batch);
        return result;
    }

    /**
     * Records whose position is kept elsewhere, or nowhere: the items that {@code bootstrap} read from the table (the
     * {@link io.invoicestreams.domain.invoice.ChangeIdentity#TABLE_SCAN} "shard"), and Kinesis records, whose
     * checkpoint KCL stores once this returns. Their events and parked records commit in one transaction. Throws,
     * with nothing committed, if any part fails; the same records sent again yield nothing new.
     */
    public BatchResult ingestWithoutCheckpoint(List<Decoded> items) {
        return tracing.batch(shardOf(items), items.size(), () -> ingestWithoutCheckpointInSpan(items));
    }

    private BatchResult ingestWithoutCheckpointInSpan(List<Decoded> items) {
        Plan plan = plan(items);
        BatchResult result = inTransaction(() -> {
            int events = applyChanges(plan.groups(), plan.toPark());
            parked.park(plan.toPark());
            return new BatchResult(items.size(), events, plan.toPark().size(), plan.superseded());
        });
        report(result, items);
        return result;
    }

    /**
     * The batch one invoice at a time, each in its own transaction, for a batch that failed as a whole more than
     * once: an invoice whose command keeps failing is parked with the error and the others go through. The
     * checkpoint moves last. A failure of the database itself still throws, and nothing is lost.
     */
    public BatchResult ingestIsolated(String leaseName, List<Decoded> batch, ShardCheckpoint checkpoint) {
        return isolated(Objects.requireNonNull(leaseName, "leaseName"), batch, checkpoint);
    }

    /** As {@link #ingestIsolated}, for records whose position is kept elsewhere (Kinesis). */
    public BatchResult ingestIsolatedWithoutCheckpoint(List<Decoded> batch) {
        return isolated(null, batch, null);
    }

    private BatchResult isolated(String leaseName, List<Decoded> batch, ShardCheckpoint checkpoint) {
        return tracing.batch(shardOf(batch), batch.size(), () -> isolatedInSpan(leaseName, batch, checkpoint));
    }

    private BatchResult isolatedInSpan(String leaseName, List<Decoded> batch, ShardCheckpoint checkpoint) {
        Plan plan = plan(batch);
        int events = 0;
        List<ParkedRecords.Parked> toPark = new ArrayList<>(plan.toPark());
        for (Map.Entry<InvoiceNumber, List<Decoded>> group : plan.groups().entrySet()) {
            try {
                List<ParkedRecords.Parked> rejected = new ArrayList<>();
                events += inTransaction(
                        () -> applyChanges(Map.of(group.getKey(), group.getValue()), rejected));
                toPark.addAll(rejected);
            } catch (RuntimeException e) {
                if (isSqlFailure(e) || io.invoicestreams.adapters.Failures.isTransient(e)) {
                    throw e; // retried with the batch: the part may answer later (a GetItem of a KEYS_ONLY record)
                }
                LOG.error("Parking {} stream records of invoice {}: applying them failed: {}",
                        group.getValue().size(), group.getKey(), e.toString());
                for (Decoded d : group.getValue()) {
                    toPark.add(park(d, "applying the change failed: " + e));
                }
            }
        }
        int total = events;
        BatchResult result = inTransaction(() -> {
            if (leaseName != null) {
                leases.checkpoint(leaseName, checkpoint);
            }
            parked.park(toPark);
            return new BatchResult(batch.size(), total, toPark.size(), plan.superseded());
        });
        report(result, batch);
        return result;
    }

    private record Plan(Map<InvoiceNumber, List<Decoded>> groups, List<ParkedRecords.Parked> toPark,
                        int superseded) {
    }

    private Plan plan(List<Decoded> batch) {
        Map<InvoiceNumber, List<Decoded>> groups = new LinkedHashMap<>();
        List<ParkedRecords.Parked> toPark = new ArrayList<>();
        int superseded = 0;
        for (Decoded decoded : batch) {
            switch (decoded.translation()) {
                case Translation.Translated t -> groups.computeIfAbsent(t.invoiceNumber(), k -> new ArrayList<>())
                        .add(decoded);
                case Translation.Unusable u -> toPark.add(park(decoded, u.reason()));
                case Translation.Superseded s -> superseded++;
                case Translation.Ignored i -> LOG.debug("Ignored stream record {}: {}", decoded.eventId(), i.reason());
            }
        }
        return new Plan(groups, toPark, superseded);
    }

    /** Every invoice's changes, in the caller's transaction; what cannot be applied goes to {@code toPark}. */
    private int applyChanges(Map<InvoiceNumber, List<Decoded>> groups, List<ParkedRecords.Parked> toPark) {
        Map<InvoiceNumber, List<TransactionChange>> changes = new LinkedHashMap<>();
        groups.forEach((invoice, records) -> changes.put(invoice, records.stream()
                .map(d -> ((Translation.Translated) d.translation()).change()).toList()));
        Map<InvoiceNumber, List<ChangeOutcome>> outcomes = invoices.apply(changes);
        int events = 0;
        for (Map.Entry<InvoiceNumber, List<Decoded>> group : groups.entrySet()) {
            List<ChangeOutcome> results = outcomes.get(group.getKey());
            for (int i = 0; i < results.size(); i++) {
                Decoded record = group.getValue().get(i);
                switch (results.get(i)) {
                    case ChangeOutcome.Applied applied -> events += applied.events().size();
                    case ChangeOutcome.Skipped skipped -> LOG.debug("Skipped: {}", skipped.reason());
                    case ChangeOutcome.Rejected rejected when isDeletion(record) && bootstrapped.getAsBoolean() ->
                            LOG.debug("Deletion of a transaction gone before the bootstrap read the table: {}",
                                    rejected.reason());
                    case ChangeOutcome.Rejected rejected -> toPark.add(park(record, rejected.reason()));
                }
            }
        }
        return events;
    }

    private static boolean isDeletion(Decoded decoded) {
        return decoded.translation() instanceof Translation.Translated t
                && t.change() instanceof TransactionChange.Deleted;
    }

    private static ParkedRecords.Parked park(Decoded decoded, String reason) {
        return new ParkedRecords.Parked(decoded.eventId(), decoded.shardId(), decoded.sequenceNumber(), reason,
                decoded.rawJson(), null);
    }

    private void report(BatchResult result, List<Decoded> batch) {
        metrics.eventsStored(result.events());
        java.time.Instant committed = java.time.Instant.now();
        for (Decoded record : batch) {
            var stream = record.record().dynamodb();
            if (stream != null && stream.approximateCreationDateTime() != null) {
                metrics.recordStored(java.time.Duration.between(stream.approximateCreationDateTime(), committed));
            }
        }
        if (result.parked() > 0) {
            metrics.recordsParked(result.parked());
            LOG.warn("Parked {} of {} stream records; list them with GET /admin/parked", result.parked(),
                    result.records());
        }
    }

    /**
     * Any SQL failure, data errors included: a unique key refused when two nodes append to one invoice at once is
     * retried, and the retry finds the events the other node stored. {@code Failures} covers the rest.
     */
    static boolean isSqlFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException) {
                return true;
            }
        }
        return false;
    }
}
