package io.invoicestreams.projections.totals;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The port's semantics in memory: the reference the DynamoDB store is held to by the same contract. */
public final class InMemoryTotalsStore implements TotalsStore {

    private record Row(Map<Currency, BigDecimal> totals, Instant updated, long lastSequence) {
    }

    private final Map<InvoiceNumber, Row> rows = new ConcurrentHashMap<>();
    private final Currency defaultCurrency;
    public int writes;

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
            writes++;
        }
    }

    @Override
    public Optional<InvoiceTotalView> find(InvoiceNumber invoiceNumber) {
        Row row = rows.get(invoiceNumber);
        if (row == null) {
            return Optional.empty();
        }
        List<Money> totals = new ArrayList<>();
        row.totals().forEach((currency, amount) -> totals.add(Money.of(amount, currency)));
        totals.sort(Comparator.comparing((Money m) -> !m.currency().equals(defaultCurrency))
                .thenComparing(m -> m.currency().getCurrencyCode()));
        return Optional.of(new InvoiceTotalView(invoiceNumber, totals, row.updated(), row.lastSequence()));
    }

    @Override
    public void clear() {
        rows.clear();
    }
}
