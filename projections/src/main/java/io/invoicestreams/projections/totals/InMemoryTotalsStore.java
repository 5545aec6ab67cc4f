package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import java.math.BigDecimal;
import java.time.Instant;
import io.invoicestreams.projections.Replaced;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The port's semantics in memory: the reference the DynamoDB store is held to by the same contract, and the store a
 * rebuild folds the history into ({@link TotalsProjection#fold}).
 */
public final class InMemoryTotalsStore implements TotalsStore {

    private record Row(Map<Currency, BigDecimal> totals, Instant updated, long lastSequence) {
    }

    private final Map<InvoiceNumber, Row> rows = new ConcurrentHashMap<>();
    private final Currency defaultCurrency;

    public InMemoryTotalsStore(Currency defaultCurrency) {
        this.defaultCurrency = defaultCurrency;
    }

    @Override
    public synchronized void apply(List<InvoiceTotalChange> changes) {
        for (InvoiceTotalChange change : changes) {
            Row row = rows.get(change.invoiceNumber());
            InvoiceTotalChange rest = row == null ? change : change.after(row.lastSequence());
            if (rest == null) {
                continue;
            }
            Map<Currency, BigDecimal> totals = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
            if (row != null) {
                totals.putAll(row.totals());
            }
            rest.sums().forEach((currency, sum) -> totals.merge(currency, sum, BigDecimal::add));
            rows.put(change.invoiceNumber(), new Row(totals, rest.lastChangedAt(), rest.lastSequence()));
        }
    }

    @Override
    public Optional<InvoiceTotalView> find(InvoiceNumber invoiceNumber) {
        Row row = rows.get(invoiceNumber);
        return row == null ? Optional.empty() : Optional.of(view(invoiceNumber, row));
    }

    /** Every total held. */
    public List<InvoiceTotalView> all() {
        return rows.entrySet().stream().map(e -> view(e.getKey(), e.getValue())).toList();
    }

    /** Invoices with a total. */
    public int size() {
        return rows.size();
    }

    @Override
    public synchronized Replaced replaceAll(Collection<InvoiceTotalView> totals) {
        Set<InvoiceNumber> kept = new HashSet<>();
        for (InvoiceTotalView view : totals) {
            Map<Currency, BigDecimal> sums = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
            view.totals().forEach(money -> sums.put(money.currency(), money.amount()));
            rows.put(view.invoiceNumber(), new Row(sums, view.updated(), view.lastSequence()));
            kept.add(view.invoiceNumber());
        }
        long before = rows.size();
        rows.keySet().retainAll(kept);
        return new Replaced(totals.size(), before - rows.size());
    }

    private InvoiceTotalView view(InvoiceNumber invoiceNumber, Row row) {
        List<Money> totals = new ArrayList<>();
        row.totals().forEach((currency, amount) -> totals.add(Money.of(amount, currency)));
        totals.sort(Comparator.comparing((Money m) -> !m.currency().equals(defaultCurrency))
                .thenComparing(m -> m.currency().getCurrencyCode()));
        return new InvoiceTotalView(invoiceNumber, totals, row.updated(), row.lastSequence());
    }

    @Override
    public void clear() {
        rows.clear();
    }
}
