package io.invoicestreams.app.readmodel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * What every read model shares: its tables and its processor. Each read model's own keys sit under
 * {@code invoice.read-models.NAME} in its feature. The README's configuration table lists the same keys.
 */
@ConfigMapping(prefix = "invoice.read-models")
public interface ReadModelsConfig {

    /** Create the read models' tables when they do not exist. */
    @WithDefault("true")
    boolean createTables();

    Processing processing();

    Rebuild rebuild();

    /** Rebuilds that fold the history and write each item once over the live table (ADR 0022). */
    interface Rebuild {
        /** {@code BatchWriteItem} calls in flight while a rebuild writes a table, 1 or more. */
        @WithDefault("8")
        int writesInFlight();

        /**
         * At most this many items written a second by a rebuild, so that it leaves a provisioned table room for the
         * live writes; 0 for as fast as the table takes them.
         */
        @WithDefault("0")
        int itemsPerSecond();

        /**
         * Where a rebuild writes the DynamoDB read models: {@code in-place}, over the live table, which keeps its name
         * (the default); or {@code shadow}, into a fresh table that the read model's pointer in
         * {@link #generationsTable()} then names.
         */
        @WithDefault("in-place")
        Into into();

        /** The table of the read models' pointers to their current tables, with {@code into=shadow}. */
        @WithDefault("InvoiceStreamsGenerations")
        String generationsTable();

        enum Into { IN_PLACE, SHADOW }

        default io.invoicestreams.adapters.dynamodb.DynamoDbTables.BulkWrites bulkWrites() {
            if (writesInFlight() < 1 || itemsPerSecond() < 0) {
                throw new IllegalArgumentException("invoice.read-models.rebuild.writes-in-flight must be 1 or more and"
                        + " .items-per-second 0 or more, were " + writesInFlight() + " and " + itemsPerSecond());
            }
            return new io.invoicestreams.adapters.dynamodb.DynamoDbTables.BulkWrites(writesInFlight(),
                    itemsPerSecond());
        }
    }

    /** Each read model's pooled streaming processor. */
    interface Processing {
        /** Events per processor batch, 1 or more; the totals are written once per invoice per batch. */
        @WithDefault("500")
        int batchSize();

        /** Segments of each processor, 1 or more: how many threads, on one node or several, share a read model. */
        @WithDefault("4")
        int segments();

        /** How often a processor looks for segments that nobody processes. */
        @WithDefault("1s")
        Duration claimInterval();

        /**
         * How often the processors look for events that another node appended. Events appended in this process
         * wake them at once; this bounds the delay for the others, at one query of the store's head each time.
         */
        @WithDefault("100ms")
        Duration pollInterval();

        /**
         * Wake the processors when events are appended (the default). False: Axon's own polling, as before issue 14,
         * which adds up to 1.5 s from a change to its read models; a fallback and the benchmark's baseline.
         */
        @WithDefault("true")
        boolean wakeOnAppend();
    }
}
