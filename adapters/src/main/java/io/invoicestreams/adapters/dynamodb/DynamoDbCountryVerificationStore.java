package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.projections.Replaced;
import io.invoicestreams.projections.countryverification.CountryVerificationRow;
import io.invoicestreams.projections.countryverification.CountryVerificationStore;
import io.invoicestreams.projections.countryverification.CountryVerificationView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The {@code InvoiceAction} table: partition key {@code InvoiceNumber}, sort key {@code Trans_country},
 * {@code Verify_action} (the verifier), {@code Total_trans} (the count) and {@code Counted}, the string set of the
 * transactions counted. Counting is {@code SET Total_trans = Total_trans + 1} under
 * {@code attribute_exists(Verify_action)}, as the table's owners wrote it, with {@code NOT contains(Counted, :t)}
 * added so that a redelivered event does not count twice. A failed condition on a row without a verifier is the
 * expected "unverified" outcome.
 *
 * <p>Limit: an item holds at most 400 KB, so one (invoice, country) row can remember some thousands of
 * transaction ids of typical length (ADR 0006).
 */
public final class DynamoDbCountryVerificationStore implements CountryVerificationStore {

    public static final String INVOICE_NUMBER = "InvoiceNumber";
    public static final String TRANS_COUNTRY = "Trans_country";
    public static final String VERIFY_ACTION = "Verify_action";
    public static final String TOTAL_TRANS = "Total_trans";
    public static final String COUNTED = "Counted";

    private static final Map<String, String> NAMES = Map.of("#v", VERIFY_ACTION, "#n", TOTAL_TRANS, "#c", COUNTED);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbTables.BulkWrites rebuildWrites;
    /** Null: a rebuild writes over the table; otherwise it fills a new generation (the shadow-table option). */
    private final TableGenerations generations;

    public DynamoDbCountryVerificationStore(DynamoDbClient dynamoDb, String table) {
        this(dynamoDb, table, DynamoDbTables.BulkWrites.DEFAULT);
    }

    /** @param rebuildWrites how a rebuild writes the whole table */
    public DynamoDbCountryVerificationStore(DynamoDbClient dynamoDb, String table,
                                            DynamoDbTables.BulkWrites rebuildWrites) {
        this(dynamoDb, table, rebuildWrites, null);
    }

    /**
     * @param generations when not null, a rebuild fills a new table and points the read model at it (ADR 0022),
     *                    and every read and write goes to the table the pointer names
     */
    public DynamoDbCountryVerificationStore(DynamoDbClient dynamoDb, String table,
                                            DynamoDbTables.BulkWrites rebuildWrites, TableGenerations generations) {
        this.generations = generations;
        this.rebuildWrites = Objects.requireNonNull(rebuildWrites, "rebuildWrites");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** The table that holds the counts now: the configured one, or its current generation. */
    public String tableName() {
        return generations == null ? table : generations.current(table);
    }

    public void createTableIfMissing(Duration timeout) {
        DynamoDbTables.createIfMissing(dynamoDb, tableName(), INVOICE_NUMBER, TRANS_COUNTRY, timeout);
    }

    @Override
    public CountOutcome count(InvoiceNumber invoice, CountryCode country, TransactionId transaction) {
        try {
            dynamoDb.updateItem(b -> b.tableName(tableName()).key(key(invoice, country))
                    .updateExpression("SET #n = if_not_exists(#n, :zero) + :one ADD #c :ts")
                    .conditionExpression("attribute_exists(#v) AND NOT contains(#c, :t)")
                    .expressionAttributeNames(NAMES)
                    .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"),
                            ":one", AttributeValue.fromN("1"),
                            ":ts", AttributeValue.fromSs(List.of(transaction.value())),
                            ":t", AttributeValue.fromS(transaction.value())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return CountOutcome.COUNTED;
        } catch (ConditionalCheckFailedException failed) {
            Map<String, AttributeValue> row = failed.hasItem() ? failed.item() : read(invoice, country);
            return row != null && row.containsKey(VERIFY_ACTION) ? CountOutcome.ALREADY_COUNTED
                    : CountOutcome.UNVERIFIED;
        }
    }

    /** Transactions counted in one write: each is one {@code NOT contains} term of the condition. */
    static final int COUNT_CHUNK = 50;

    /**
     * One conditional write per row for up to {@value #COUNT_CHUNK} transactions: it adds them all when the row has
     * a verifier and none of them is counted yet. When the condition fails, the row it returns tells which: no
     * verifier (all unverified, nothing written), or some already counted, which are left out of the next try.
     */
    @Override
    public Map<TransactionId, CountOutcome> countAll(InvoiceNumber invoice, CountryCode country,
                                                     List<TransactionId> transactions) {
        Map<TransactionId, CountOutcome> outcomes = new LinkedHashMap<>();
        List<TransactionId> distinct = List.copyOf(new LinkedHashSet<>(transactions));
        for (int from = 0; from < distinct.size(); from += COUNT_CHUNK) {
            List<TransactionId> chunk = distinct.subList(from, Math.min(distinct.size(), from + COUNT_CHUNK));
            while (!chunk.isEmpty()) {
                try {
                    countTogether(invoice, country, chunk);
                    chunk.forEach(t -> outcomes.put(t, CountOutcome.COUNTED));
                    break;
                } catch (ConditionalCheckFailedException failed) {
                    Map<String, AttributeValue> row = failed.hasItem() ? failed.item() : read(invoice, country);
                    if (row == null || !row.containsKey(VERIFY_ACTION)) {
                        chunk.forEach(t -> outcomes.put(t, CountOutcome.UNVERIFIED));
                        break;
                    }
                    Set<String> counted = row.containsKey(COUNTED) ? Set.copyOf(row.get(COUNTED).ss()) : Set.of();
                    List<TransactionId> rest = new ArrayList<>();
                    for (TransactionId t : chunk) {
                        if (counted.contains(t.value())) {
                            outcomes.put(t, CountOutcome.ALREADY_COUNTED);
                        } else {
                            rest.add(t);
                        }
                    }
                    if (rest.size() == chunk.size()) { // changed meanwhile: the row as read does not explain it
                        rest.forEach(t -> outcomes.put(t, count(invoice, country, t)));
                        break;
                    }
                    chunk = rest;
                }
            }
        }
        return outcomes;
    }

    private void countTogether(InvoiceNumber invoice, CountryCode country, List<TransactionId> chunk) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":zero", AttributeValue.fromN("0"));
        values.put(":k", AttributeValue.fromN(Integer.toString(chunk.size())));
        values.put(":ts", AttributeValue.fromSs(chunk.stream().map(TransactionId::value).toList()));
        StringBuilder condition = new StringBuilder("attribute_exists(#v)");
        for (int i = 0; i < chunk.size(); i++) {
            values.put(":t" + i, AttributeValue.fromS(chunk.get(i).value()));
            condition.append(" AND NOT contains(#c, :t").append(i).append(')');
        }
        dynamoDb.updateItem(b -> b.tableName(tableName()).key(key(invoice, country))
                .updateExpression("SET #n = if_not_exists(#n, :zero) + :k ADD #c :ts")
                .conditionExpression(condition.toString())
                .expressionAttributeNames(NAMES)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
    }

    @Override
    public boolean uncount(InvoiceNumber invoice, CountryCode country, TransactionId transaction) {
        try {
            dynamoDb.updateItem(b -> b.tableName(tableName()).key(key(invoice, country))
                    .updateExpression("SET #n = #n - :one DELETE #c :ts")
                    .conditionExpression("contains(#c, :t)")
                    .expressionAttributeNames(Map.of("#n", TOTAL_TRANS, "#c", COUNTED))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                            ":ts", AttributeValue.fromSs(List.of(transaction.value())),
                            ":t", AttributeValue.fromS(transaction.value()))));
            return true;
        } catch (ConditionalCheckFailedException notCounted) {
            return false;
        }
    }

    @Override
    public void assign(InvoiceNumber invoice, CountryCode country, Verifier verifier, Set<TransactionId> counted) {
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(
                ":v", AttributeValue.fromS(verifier.value()),
                ":n", AttributeValue.fromN(Integer.toString(counted.size()))));
        String expression;
        if (counted.isEmpty()) {
            expression = "SET #v = :v, #n = :n REMOVE #c";
        } else {
            values.put(":c", AttributeValue.fromSs(counted.stream().map(TransactionId::value).toList()));
            expression = "SET #v = :v, #n = :n, #c = :c";
        }
        dynamoDb.updateItem(b -> b.tableName(tableName()).key(key(invoice, country)).updateExpression(expression)
                .expressionAttributeNames(NAMES).expressionAttributeValues(values));
    }

    @Override
    public void unassign(InvoiceNumber invoice, CountryCode country) {
        dynamoDb.updateItem(b -> b.tableName(tableName()).key(key(invoice, country))
                .updateExpression("REMOVE #v, #n, #c").expressionAttributeNames(NAMES));
    }

    @Override
    public List<CountryVerificationView> find(InvoiceNumber invoice) {
        List<CountryVerificationView> rows = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamoDb.query(b -> b.tableName(tableName())
                    .keyConditionExpression("#i = :i")
                    .expressionAttributeNames(Map.of("#i", INVOICE_NUMBER))
                    .expressionAttributeValues(Map.of(":i", AttributeValue.fromS(invoice.value())))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                AttributeValue verifier = item.get(VERIFY_ACTION);
                AttributeValue total = item.get(TOTAL_TRANS);
                rows.add(new CountryVerificationView(invoice, new CountryCode(item.get(TRANS_COUNTRY).s()),
                        verifier == null ? null : new Verifier(verifier.s()),
                        total == null ? 0 : Long.parseLong(total.n())));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return rows;
    }

    /** The folded rows, 25 to a {@code BatchWriteItem}, as the rebuild's bulk writes allow. */
    @Override
    public Replaced replaceAll(Collection<CountryVerificationRow> rows) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(rows.size());
        for (CountryVerificationRow row : rows) {
            Map<String, AttributeValue> item = new HashMap<>(key(row.invoiceNumber(), row.country()));
            if (row.verifier() != null) {
                item.put(VERIFY_ACTION, AttributeValue.fromS(row.verifier().value()));
                item.put(TOTAL_TRANS, AttributeValue.fromN(Integer.toString(row.counted().size())));
            }
            if (!row.counted().isEmpty()) {
                item.put(COUNTED, AttributeValue.fromSs(row.counted().stream().map(TransactionId::value).toList()));
            }
            items.add(item);
        }
        if (generations != null) {
            return generations.rebuild(table, INVOICE_NUMBER, TRANS_COUNTRY, fresh -> DynamoDbTables.replaceAll(
                    dynamoDb, fresh, List.of(INVOICE_NUMBER, TRANS_COUNTRY), items, rebuildWrites));
        }
        return DynamoDbTables.replaceAll(dynamoDb, table, List.of(INVOICE_NUMBER, TRANS_COUNTRY), items,
                rebuildWrites);
    }

    @Override
    public void clear() {
        DynamoDbTables.deleteAllItems(dynamoDb, tableName(), List.of(INVOICE_NUMBER, TRANS_COUNTRY));
    }

    private Map<String, AttributeValue> read(InvoiceNumber invoice, CountryCode country) {
        var response = dynamoDb.getItem(b -> b.tableName(tableName()).key(key(invoice, country)).consistentRead(true));
        return response.hasItem() ? response.item() : null;
    }

    private static Map<String, AttributeValue> key(InvoiceNumber invoice, CountryCode country) {
        return Map.of(INVOICE_NUMBER, AttributeValue.fromS(invoice.value()),
                TRANS_COUNTRY, AttributeValue.fromS(country.value()));
    }
}
