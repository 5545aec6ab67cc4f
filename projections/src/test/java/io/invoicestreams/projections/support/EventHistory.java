package io.invoicestreams.projections.support;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.ChangeIdentity;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.SequenceNumber;
import io.invoicestreams.domain.invoice.VerificationEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;

/**
 * Builds the event history of Invoice aggregates as the event store holds it: domain event messages with a
 * sequence number per invoice, in the order they were stored. Amounts are written as in the table ("$100").
 */
public final class EventHistory {

    public static final Instant START = Instant.parse("2016-06-06T10:00:00Z");

    private final List<DomainEventMessage<?>> messages = new ArrayList<>();
    private final Map<String, Long> sequences = new HashMap<>();
    /** Sorted, so that an invoice's transactions are one range: "invoice/" up to "invoice0" ('0' follows '/'). */
    private final java.util.TreeMap<String, CountryCode> countries = new java.util.TreeMap<>();
    private final Map<String, Money> amounts = new HashMap<>();
    private final Map<String, String> verifiers = new HashMap<>();
    private final java.util.Set<String> openedInvoices = new java.util.HashSet<>();
    private long records;

    /** The seed rows of the issue, recorded in the order the demo writes them. */
    public static EventHistory seed() {
        return new EventHistory()
                .recorded("1212121", "Client1_trans1xxxx", "$100", "USA")
                .recorded("1212121", "Client1_trans2xxxx", "$500", "USA")
                .recorded("1212122", "Client2_trans1xxx", "$200", "UK")
                .recorded("1212121", "Client2_trans1xxxx", "$500", "China")
                .recorded("1212123", "Client3_trans1xxx", "$1000", "USA");
    }

    public static Money money(String amount) {
        return Money.parse(amount, java.util.Currency.getInstance("USD"));
    }

    public EventHistory recorded(String invoice, String transaction, String amount, String country) {
        return recorded(invoice, transaction, amount, country, InvoiceDocument.empty());
    }

    public EventHistory recorded(String invoice, String transaction, String amount, String country,
                                 InvoiceDocument document) {
        Money money = money(amount);
        boolean opensInvoice = openedInvoices.add(invoice); // as the aggregate decides: the first ever
        amounts.put(invoice + "/" + transaction, money);
        countries.put(invoice + "/" + transaction, new CountryCode(country));
        return add(new InvoiceEvent.TransactionRecorded(new InvoiceNumber(invoice), new TransactionId(transaction),
                money, new CountryCode(country), "06062016", document, opensInvoice, change()));
    }

    /** An item {@code bootstrap} read from the table: recorded from the table scan, opening no invoice. */
    public EventHistory imported(String invoice, String transaction, String amount, String country) {
        Money money = money(amount);
        openedInvoices.add(invoice);
        amounts.put(invoice + "/" + transaction, money);
        countries.put(invoice + "/" + transaction, new CountryCode(country));
        records++;
        return add(new InvoiceEvent.TransactionRecorded(new InvoiceNumber(invoice), new TransactionId(transaction),
                money, new CountryCode(country), "06062016", InvoiceDocument.empty(), false,
                new ChangeIdentity("scan-" + records, ChangeIdentity.TABLE_SCAN, new SequenceNumber("0"),
                        START.plusSeconds(records))));
    }

    public EventHistory documented(String invoice, String transaction, InvoiceDocument document) {
        return add(new InvoiceEvent.TransactionDocumentChanged(new InvoiceNumber(invoice),
                new TransactionId(transaction), document, change()));
    }

    /**
     * An {@code InvoiceDoc} as the seed writes it: {@code {"Vendor Name": vendor, "NumberofItems": n,
     * "ItemsDesc": [{item: {"Quantity": q}}, …]}}, plus any extra text attributes.
     */
    public static InvoiceDocument document(String vendor, Map<String, Integer> items, String... extraNameValue) {
        Map<String, io.invoicestreams.domain.DocumentValue> fields = new java.util.LinkedHashMap<>();
        fields.put("Vendor Name", new io.invoicestreams.domain.DocumentValue.Text(vendor));
        fields.put("NumberofItems", new io.invoicestreams.domain.DocumentValue.Text(
                Integer.toString(items.values().stream().mapToInt(Integer::intValue).sum())));
        List<io.invoicestreams.domain.DocumentValue> lines = new ArrayList<>();
        items.forEach((name, quantity) -> lines.add(new io.invoicestreams.domain.DocumentValue.Fields(Map.of(name,
                new io.invoicestreams.domain.DocumentValue.Fields(Map.of("Quantity",
                        new io.invoicestreams.domain.DocumentValue.Number(java.math.BigDecimal.valueOf(quantity))))))));
        fields.put("ItemsDesc", new io.invoicestreams.domain.DocumentValue.Items(lines));
        for (int i = 0; i + 1 < extraNameValue.length; i += 2) {
            fields.put(extraNameValue[i], new io.invoicestreams.domain.DocumentValue.Text(extraNameValue[i + 1]));
        }
        return new InvoiceDocument(new io.invoicestreams.domain.DocumentValue.Fields(fields));
    }

    public EventHistory corrected(String invoice, String transaction, String amount) {
        String key = invoice + "/" + transaction;
        Money before = Objects.requireNonNull(amounts.get(key), key);
        Money after = money(amount);
        amounts.put(key, after);
        return add(new InvoiceEvent.TransactionAmountCorrected(new InvoiceNumber(invoice),
                new TransactionId(transaction), before, after, countries.get(key), change()));
    }

    public EventHistory moved(String invoice, String transaction, String country) {
        String key = invoice + "/" + transaction;
        CountryCode before = Objects.requireNonNull(countries.get(key), key);
        countries.put(key, new CountryCode(country));
        return add(new InvoiceEvent.TransactionCountryChanged(new InvoiceNumber(invoice),
                new TransactionId(transaction), before, new CountryCode(country), change()));
    }

    public EventHistory dated(String invoice, String transaction, String date) {
        return add(new InvoiceEvent.TransactionInvoiceDateChanged(new InvoiceNumber(invoice),
                new TransactionId(transaction), "06062016", date, change()));
    }

    public EventHistory removed(String invoice, String transaction) {
        String key = invoice + "/" + transaction;
        return add(new InvoiceEvent.TransactionRemoved(new InvoiceNumber(invoice), new TransactionId(transaction),
                Objects.requireNonNull(amounts.remove(key), key), countries.remove(key), change()));
    }

    public EventHistory expired(String invoice, String transaction) {
        String key = invoice + "/" + transaction;
        return add(new InvoiceEvent.TransactionExpired(new InvoiceNumber(invoice), new TransactionId(transaction),
                Objects.requireNonNull(amounts.remove(key), key), countries.remove(key), change()));
    }

    /**
     * Assigns a verifier; the open transactions are those of that country now on the invoice. As the aggregate
     * does, it stores nothing when the verifier is already assigned.
     */
    public EventHistory verifier(String invoice, String country, String verifier) {
        if (verifier.equals(verifiers.put(invoice + "/" + country, verifier))) {
            return this;
        }
        List<TransactionId> open = countries.subMap(invoice + "/", invoice + "0").entrySet().stream()
                .filter(e -> e.getValue().value().equals(country))
                .map(e -> new TransactionId(e.getKey().substring(invoice.length() + 1)))
                .sorted(java.util.Comparator.comparing(TransactionId::value)).toList();
        return add(new VerificationEvent.CountryVerifierAssigned(new InvoiceNumber(invoice), new CountryCode(country),
                new Verifier(verifier), open, START.plusSeconds(records)), invoice);
    }

    /** Removes the verifier; as the aggregate does, it stores nothing when there is none. */
    public EventHistory noVerifier(String invoice, String country) {
        String previous = verifiers.remove(invoice + "/" + country);
        if (previous == null) {
            return this;
        }
        return add(new VerificationEvent.CountryVerifierRemoved(new InvoiceNumber(invoice), new CountryCode(country),
                new Verifier(previous), START.plusSeconds(records)), invoice);
    }

    /** How many events are stored so far. */
    public int size() {
        return messages.size();
    }

    /** The events as a processor delivers them: tracked, at store positions 1, 2, … in order. */
    public List<org.axonframework.eventhandling.TrackedEventMessage<?>> tracked() {
        List<org.axonframework.eventhandling.TrackedEventMessage<?>> tracked = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            tracked.add(new org.axonframework.eventhandling.GenericTrackedDomainEventMessage<>(
                    new org.axonframework.eventhandling.GlobalSequenceTrackingToken(i + 1), messages.get(i)));
        }
        return tracked;
    }

    /** The events stored so far, oldest first. */
    public List<DomainEventMessage<?>> messages() {
        return List.copyOf(messages);
    }

    /** The current transactions and their amounts, keyed "invoice/transaction". */
    public Map<String, Money> openAmounts() {
        return Map.copyOf(amounts);
    }

    /** The current transactions and their countries, keyed "invoice/transaction". */
    public Map<String, CountryCode> openCountries() {
        return Map.copyOf(countries);
    }

    public boolean isOpen(String invoice, String transaction) {
        return amounts.containsKey(invoice + "/" + transaction);
    }

    private ChangeIdentity change() {
        records++;
        return new ChangeIdentity("evt-" + records, "shardId-0001",
                new SequenceNumber(String.format("%021d", records)), START.plusSeconds(records));
    }

    private EventHistory add(InvoiceEvent event) {
        return add(event, event.invoiceNumber().value());
    }

    private EventHistory add(Object event, String invoice) {
        long sequence = sequences.merge(invoice, 1L, Long::sum) - 1;
        messages.add(new GenericDomainEventMessage<>("Invoice", invoice, sequence, event));
        return this;
    }
}
