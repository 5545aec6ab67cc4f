package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.projections.Replaced;
import io.invoicestreams.projections.totals.InvoiceTotalChange;
import io.invoicestreams.projections.totals.InvoiceTotalView;
import io.invoicestreams.projections.totals.TotalsStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The {@code InvoiceTotal} table: partition key {@code InvoiceNumber}; {@code Total} in the default currency,
 * {@code Total_EUR} and so on for other currencies; {@code Update_date}; and {@code Last_seq}, the sequence number
 * of the last event applied.
 *
 * <p>Each invoice's change is one {@code UpdateItem ADD Total :amount SET Update_date = :date, Last_seq = :last}
 * with the condition {@code attribute_not_exists(Last_seq) OR Last_seq < :first}. When the condition fails, part
 * or all of the change was applied before (a redelivery): the steps after the stored {@code Last_seq} are applied,
 * or nothing. ADD therefore never counts an event twice. Invoices of one batch are written in parallel.
 */
public final class DynamoDbTotalsStore implements TotalsStore, AutoCloseable {

    public static final String INVOICE_NUMBER = "InvoiceNumber";
    public static final String TOTAL = "Total";
    public static final String UPDATE_DATE = "Update_date";
    public static final String LAST_SEQ = "Last_seq";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Currency defaultCurrency;
    private final ExecutorService writers;
    private final DynamoDbTables.BulkWrites rebuildWrites;
    /** Null: a rebuild writes over the table; otherwise it fills a new generation (the shadow-table option). */
    private final TableGenerations generations;

    /**
     * @param writeConcurrency how many invoices of one batch are written at once
     */
    public DynamoDbTotalsStore(DynamoDbClient dynamoDb, String table, Currency defaultCurrency, int writeConcurrency) {
        this(dynamoDb, table, defaultCurrency, writeConcurrency, DynamoDbTables.BulkWrites.DEFAULT);
    }

    /**
     * @param writeConcurrency how many invoices of one batch are written at once
     * @param rebuildWrites    how a rebuild writes the whole table
     */
    public DynamoDbTotalsStore(DynamoDbClient dynamoDb, String table, Currency defaultCurrency, int writeConcurrency,
                               DynamoDbTables.BulkWrites rebuildWrites) {
        this(dynamoDb, table, defaultCurrency, writeConcurrency, rebuildWrites, null);
    }

    /**
     * @param generations when not null, a rebuild fills a new table and points the read model at it (ADR 0022),
     *                    and every read and write goes to the table the pointer names
     */
    public DynamoDbTotalsStore(DynamoDbClient dynamoDb, String table, Currency defaultCurrency, int writeConcurrency,
                               DynamoDbTables.BulkWrites rebuildWrites, TableGenerations generations) {
        this.generations = generations;
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.defaultCurrency = Objects.requireNonNull(defaultCurrency, "defaultCurrency");
        if (writeConcurrency < 1) {
            throw new IllegalArgumentException("writeConcurrency must be at least 1, got " + writeConcurrency);
        }
        this.rebuildWrites = Objects.requireNonNull(rebuildWrites, "rebuildWrites");
        this.writers = Executors.newFixedThreadPool(writeConcurrency, Thread.ofPlatform().daemon()
                .name("totals-writer-", 0).factory());
    }

    /** The table that holds the totals now: the configured one, or its current generation. */
    public String tableName() {
        return generations == null ? table : generations.current(table);
    }

    public void createTableIfMissing(Duration timeout) {
        DynamoDbTables.createIfMissing(dynamoDb, tableName(), INVOICE_NUMBER, null, timeout);
    }

    @Override
    public void apply(List<InvoiceTotalChange> changes) {
        if (changes.size() == 1) {
            applyOne(changes.getFirst());
            return;
        }
        List<Future<?>> writes = new ArrayList<>(changes.size());
        for (InvoiceTotalChange change : changes) {
            writes.add(writers.submit(() -> applyOne(change)));
        }
        RuntimeException failure = null;
        for (Future<?> write : writes) {
            try {
                write.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                        : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing totals", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void applyOne(InvoiceTotalChange change) {
        InvoiceTotalChange pending = change;
        while (pending != null) {
            try {
                update(pending);
                return;
            } catch (ConditionalCheckFailedException applied) {
                long last = lastSequence(applied.hasItem() ? applied.item() : null, pending.invoiceNumber());
                InvoiceTotalChange rest = pending.after(last);
                if (rest != null && rest.firstSequence() == pending.firstSequence()) {
                    throw new IllegalStateException("the total of invoice " + pending.invoiceNumber()
                            + " refused steps from " + pending.firstSequence() + " though its Last_seq is " + last);
                }
                pending = rest;
            }
        }
    }

    private void update(InvoiceTotalChange change) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> adds = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Currency, BigDecimal> sum : change.sums().entrySet()) {
            names.put("#t" + i, attributeFor(sum.getKey()));
            values.put(":a" + i, AttributeValue.fromN(sum.getValue().toPlainString()));
            adds.add("#t" + i + " :a" + i);
            i++;
        }
        names.put("#d", UPDATE_DATE);
        names.put("#s", LAST_SEQ);
        values.put(":d", AttributeValue.fromS(change.lastChangedAt().toString()));
        values.put(":last", AttributeValue.fromN(Long.toString(change.lastSequence())));
        values.put(":first", AttributeValue.fromN(Long.toString(change.firstSequence())));
        dynamoDb.updateItem(b -> b.tableName(tableName()).key(key(change.invoiceNumber()))
                .updateExpression("ADD " + String.join(", ", adds) + " SET #d = :d, #s = :last")
                .conditionExpression("attribute_not_exists(#s) OR #s < :first")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
    }

    private long lastSequence(Map<String, AttributeValue> item, InvoiceNumber invoice) {
        Map<String, AttributeValue> current = item != null && !item.isEmpty() ? item
                : dynamoDb.getItem(b -> b.tableName(tableName()).key(key(invoice)).consistentRead(true)).item();
        AttributeValue last = current == null ? null : current.get(LAST_SEQ);
        return last == null ? -1 : Long.parseLong(last.n());
    }

    private String attributeFor(Currency currency) {
        return currency.equals(defaultCurrency) ? TOTAL : TOTAL + "_" + currency.getCurrencyCode();
    }

    @Override
    public Optional<InvoiceTotalView> find(InvoiceNumber invoiceNumber) {
        GetItemResponse response = dynamoDb.getItem(b -> b.tableName(tableName()).key(key(invoiceNumber)));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        List<Money> totals = new ArrayList<>();
        item.forEach((name, value) -> {
            if (name.equals(TOTAL)) {
                totals.add(Money.of(new BigDecimal(value.n()), defaultCurrency));
            } else if (name.startsWith(TOTAL + "_")) {
                totals.add(Money.of(new BigDecimal(value.n()), Currency.getInstance(name.substring(TOTAL.length() + 1))));
            }
        });
        totals.sort(Comparator.comparing((Money m) -> !m.currency().equals(defaultCurrency))
                .thenComparing(m -> m.currency().getCurrencyCode()));
        AttributeValue updated = item.get(UPDATE_DATE);
        AttributeValue last = item.get(LAST_SEQ);
        return Optional.of(new InvoiceTotalView(invoiceNumber, totals,
                updated == null ? null : Instant.parse(updated.s()), last == null ? -1 : Long.parseLong(last.n())));
    }

    /** The folded totals, 25 to a {@code BatchWriteItem}, as the rebuild's bulk writes allow. */
    @Override
    public Replaced replaceAll(Collection<InvoiceTotalView> totals) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(totals.size());
        for (InvoiceTotalView view : totals) {
            Map<String, AttributeValue> item = new HashMap<>(key(view.invoiceNumber()));
            for (Money total : view.totals()) {
                item.put(attributeFor(total.currency()), AttributeValue.fromN(total.amount().toPlainString()));
            }
            if (view.updated() != null) {
                item.put(UPDATE_DATE, AttributeValue.fromS(view.updated().toString()));
            }
            item.put(LAST_SEQ, AttributeValue.fromN(Long.toString(view.lastSequence())));
            items.add(item);
        }
        if (generations != null) {
            return generations.rebuild(table, INVOICE_NUMBER, null, fresh -> DynamoDbTables.replaceAll(dynamoDb, fresh,
                    List.of(INVOICE_NUMBER), items, rebuildWrites));
        }
        return DynamoDbTables.replaceAll(dynamoDb, table, List.of(INVOICE_NUMBER), items, rebuildWrites);
    }

    @Override
    public void clear() {
        DynamoDbTables.deleteAllItems(dynamoDb, tableName(), List.of(INVOICE_NUMBER));
    }

    private static Map<String, AttributeValue> key(InvoiceNumber invoice) {
        return Map.of(INVOICE_NUMBER, AttributeValue.fromS(invoice.value()));
    }

    @Override
    public void close() {
        writers.shutdownNow();
    }
}
