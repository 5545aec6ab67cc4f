package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.projections.Replaced;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The shadow-table option of a rebuild (issue 15, ADR 0022): each rebuild fills a fresh table and then points the
 * read model at it, instead of writing over the live table.
 *
 * <p>A read model keeps its configured name ({@code InvoiceTotal}) as its first generation. A rebuild creates
 * {@code InvoiceTotal-g2-…}, fills it, and flips the read model's pointer, an item in the generations table
 * ({@code ReadModelTable} → {@code Table}, {@code Generation}, {@code Previous}), with a write conditional on the
 * generation it started from, so that a rebuild taken over by another node can never flip over a newer one. The
 * generation that was current stays as {@code Previous} until the next rebuild, so that a reader still on the old
 * pointer for a moment reads a complete table; older ones and the leftovers of rebuilds that stopped are deleted.
 * Dashboards follow the pointer, or read the table named {@code Table} in it.
 */
public final class TableGenerations {

    public static final String READ_MODEL_TABLE = "ReadModelTable";
    public static final String TABLE = "Table";
    public static final String GENERATION = "Generation";
    public static final String PREVIOUS = "Previous";

    /** Where a read model is: its current table and the generation it is. */
    public record Pointer(String table, long generation, String previous) {
    }

    private record Cached(Pointer pointer, long readAt) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableGenerations.class);

    private final DynamoDbClient dynamoDb;
    private final String pointers;
    private final Clock clock;
    private final Duration fresh;
    private final Duration timeout;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param pointers the generations table
     * @param fresh    how long a pointer read is used before it is read again (reads only: a processor reads it
     *                 again before it resumes after a rebuild, see {@link #refresh})
     * @param timeout  how long a new table may take to become active
     */
    public TableGenerations(DynamoDbClient dynamoDb, String pointers, Clock clock, Duration fresh, Duration timeout) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.pointers = Objects.requireNonNull(pointers, "pointers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fresh = Objects.requireNonNull(fresh, "fresh");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public void createTableIfMissing() {
        DynamoDbTables.createIfMissing(dynamoDb, pointers, READ_MODEL_TABLE, null, timeout);
    }

    /** The table that holds the read model now: the pointer's, or its configured name before its first rebuild. */
    public String current(String readModelTable) {
        Cached cached = cache.get(readModelTable);
        if (cached != null && clock.millis() - cached.readAt() < fresh.toMillis()) {
            return cached.pointer().table();
        }
        return refresh(readModelTable).table();
    }

    /** Reads the pointer again, strongly consistent: a node does this before its processor resumes after a rebuild. */
    public Pointer refresh(String readModelTable) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(pointers).consistentRead(true)
                .key(Map.of(READ_MODEL_TABLE, AttributeValue.fromS(readModelTable)))).item();
        Pointer pointer = item == null || item.isEmpty() ? new Pointer(readModelTable, 1, null)
                : new Pointer(item.get(TABLE).s(), Long.parseLong(item.get(GENERATION).n()),
                item.containsKey(PREVIOUS) ? item.get(PREVIOUS).s() : null);
        cache.put(readModelTable, new Cached(pointer, clock.millis()));
        return pointer;
    }

    /**
     * Fills a new generation of the read model through {@code fill} and points the read model at it. When filling
     * fails, or the pointer moved meanwhile (another node rebuilt it), the new table is deleted and the pointer
     * stays.
     *
     * @param fill writes the items into the table it is given
     */
    public Replaced rebuild(String readModelTable, String partitionKey, String sortKey,
                            Function<String, Replaced> fill) {
        Pointer from = refresh(readModelTable);
        long next = from.generation() + 1;
        String table = readModelTable + "-g" + next + "-" + UUID.randomUUID().toString().substring(0, 8);
        DynamoDbTables.createIfMissing(dynamoDb, table, partitionKey, sortKey, timeout);
        Replaced replaced;
        try {
            replaced = fill.apply(table);
            flip(readModelTable, from, new Pointer(table, next, from.table()));
        } catch (RuntimeException e) {
            drop(table);
            throw e;
        }
        cache.put(readModelTable, new Cached(new Pointer(table, next, from.table()), clock.millis()));
        LOG.info("{} now reads and writes {} (generation {}); {} stays until the next rebuild", readModelTable, table,
                next, from.table());
        try {
            if (from.previous() != null) {
                drop(from.previous());
            }
            dropLeftovers(readModelTable, table, from.table());
        } catch (RuntimeException e) {
            // The rebuild is done and its pointer flipped; a table left behind costs storage, not correctness.
            LOG.warn("{}: the rebuild is done, but its older tables were not all deleted: {}", readModelTable,
                    e.toString());
        }
        return replaced;
    }

    private void flip(String readModelTable, Pointer from, Pointer to) {
        Map<String, AttributeValue> item = new java.util.HashMap<>();
        item.put(READ_MODEL_TABLE, AttributeValue.fromS(readModelTable));
        item.put(TABLE, AttributeValue.fromS(to.table()));
        item.put(GENERATION, AttributeValue.fromN(Long.toString(to.generation())));
        item.put(PREVIOUS, AttributeValue.fromS(to.previous()));
        try {
            dynamoDb.putItem(b -> b.tableName(pointers).item(item)
                    .conditionExpression("attribute_not_exists(#g) OR #g = :from")
                    .expressionAttributeNames(Map.of("#g", GENERATION))
                    .expressionAttributeValues(Map.of(":from", AttributeValue.fromN(Long.toString(
                            from.generation())))));
        } catch (ConditionalCheckFailedException moved) {
            throw new IllegalStateException("the pointer of " + readModelTable + " moved past generation "
                    + from.generation() + " while this rebuild filled " + to.table() + "; another rebuild won", moved);
        }
    }

    /** Tables of this read model's generations that are neither current nor previous: rebuilds that stopped. */
    private void dropLeftovers(String readModelTable, String current, String previous) {
        String prefix = readModelTable + "-g";
        List<String> leftovers = new ArrayList<>();
        String start = null;
        do {
            String after = start;
            var page = dynamoDb.listTables(b -> b.exclusiveStartTableName(after).limit(100));
            page.tableNames().stream().filter(t -> t.startsWith(prefix) && t.substring(prefix.length())
                            .toLowerCase(Locale.ROOT).matches("\\d+-[0-9a-f]{8}"))
                    .filter(t -> !t.equals(current) && !t.equals(previous)).forEach(leftovers::add);
            start = page.lastEvaluatedTableName();
        } while (start != null);
        leftovers.forEach(this::drop);
    }

    private void drop(String table) {
        try {
            dynamoDb.deleteTable(b -> b.tableName(table));
            LOG.info("deleted the read model table {}", table);
        } catch (ResourceNotFoundException gone) {
            // deleted before
        }
    }
}
