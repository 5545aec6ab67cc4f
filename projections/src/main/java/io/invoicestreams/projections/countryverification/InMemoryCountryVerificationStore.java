package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.projections.Replaced;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The port's semantics in memory: the reference the DynamoDB store is held to by the same contract, and the store a
 * rebuild folds the history into ({@link CountryVerificationProjection#fold}).
 */
public final class InMemoryCountryVerificationStore implements CountryVerificationStore {

    private record Key(InvoiceNumber invoice, CountryCode country) {
    }

    private record Row(Verifier verifier, Set<TransactionId> counted) {
    }

    private final Map<Key, Row> rows = new ConcurrentHashMap<>();

    @Override
    public synchronized CountOutcome count(InvoiceNumber invoice, CountryCode country, TransactionId transaction) {
        Row row = rows.get(new Key(invoice, country));
        if (row == null || row.verifier() == null) {
            return CountOutcome.UNVERIFIED;
        }
        return row.counted().add(transaction) ? CountOutcome.COUNTED : CountOutcome.ALREADY_COUNTED;
    }

    @Override
    public synchronized boolean uncount(InvoiceNumber invoice, CountryCode country, TransactionId transaction) {
        Row row = rows.get(new Key(invoice, country));
        return row != null && row.counted().remove(transaction);
    }

    @Override
    public synchronized void assign(InvoiceNumber invoice, CountryCode country, Verifier verifier,
                                    Set<TransactionId> counted) {
        rows.put(new Key(invoice, country), new Row(verifier, new HashSet<>(counted)));
    }

    @Override
    public synchronized void unassign(InvoiceNumber invoice, CountryCode country) {
        rows.put(new Key(invoice, country), new Row(null, new HashSet<>()));
    }

    @Override
    public List<CountryVerificationView> find(InvoiceNumber invoice) {
        return rows.entrySet().stream().filter(e -> e.getKey().invoice().equals(invoice))
                .map(e -> new CountryVerificationView(invoice, e.getKey().country(), e.getValue().verifier(),
                        e.getValue().counted().size()))
                .sorted(Comparator.comparing(v -> v.country().value()))
                .toList();
    }

    /** Every row held. */
    public List<CountryVerificationRow> all() {
        return rows.entrySet().stream().map(e -> new CountryVerificationRow(e.getKey().invoice(),
                e.getKey().country(), e.getValue().verifier(), e.getValue().counted())).toList();
    }

    public int size() {
        return rows.size();
    }

    @Override
    public synchronized Replaced replaceAll(Collection<CountryVerificationRow> all) {
        Set<Key> kept = new HashSet<>();
        for (CountryVerificationRow row : all) {
            Key key = new Key(row.invoiceNumber(), row.country());
            rows.put(key, new Row(row.verifier(), new HashSet<>(row.counted())));
            kept.add(key);
        }
        long before = rows.size();
        rows.keySet().retainAll(kept);
        return new Replaced(all.size(), before - rows.size());
    }

    @Override
    public void clear() {
        rows.clear();
    }
}
