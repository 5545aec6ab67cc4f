package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRecorded;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for the seed's invoices, transactions and stream identities. */
public final class InvoiceFixture {

    public static final InvoiceNumber INVOICE = new InvoiceNumber("1212121");
    public static final TransactionId CLIENT1_TRANS1 = new TransactionId("Client1_trans1xxxx");
    public static final TransactionId CLIENT1_TRANS2 = new TransactionId("Client1_trans2xxxx");
    public static final CountryCode USA = new CountryCode("USA");
    public static final CountryCode CHINA = new CountryCode("China");
    public static final Instant EPOCH = Instant.parse("2016-06-06T10:00:00Z");

    private InvoiceFixture() {
    }

    public static Money usd(String amount) {
        return Money.of(amount, "USD");
    }

    /** A stream identity whose eventID, sequence and time all follow from {@code sequence}. */
    public static ChangeIdentity change(long sequence) {
        return new ChangeIdentity("evt-" + sequence, "shardId-00000001", new SequenceNumber(
                String.format("%021d", sequence)), EPOCH.plusSeconds(sequence));
    }

    /** The seed's document: {@code {"Vendor Name":"Vendor1 Inc","NumberofItems":"5","ItemsDesc":[…]}}. */
    public static InvoiceDocument vendorDocument(String vendor) {
        Map<String, DocumentValue> items = new LinkedHashMap<>();
        items.put("laptops", quantity(2));
        items.put("desktops", quantity(1));
        items.put("printer", quantity(2));
        Map<String, DocumentValue> fields = new LinkedHashMap<>();
        fields.put("Vendor Name", DocumentValue.text(vendor));
        fields.put("NumberofItems", DocumentValue.text("5"));
        fields.put("ItemsDesc", new DocumentValue.Items(List.of(new DocumentValue.Fields(items))));
        return new InvoiceDocument(new DocumentValue.Fields(fields));
    }

    private static DocumentValue quantity(int n) {
        return new DocumentValue.Fields(Map.of("Quantity", DocumentValue.number(Integer.toString(n))));
    }

    public static TransactionDetails details(String usdAmount, CountryCode country) {
        return new TransactionDetails(usd(usdAmount), country, "06062016", vendorDocument("Vendor1 Inc"));
    }

    public static TransactionChange.Written written(TransactionId id, long sequence, TransactionDetails details) {
        return new TransactionChange.Written(id, change(sequence), details);
    }

    public static TransactionChange.Deleted deleted(TransactionId id, long sequence) {
        return new TransactionChange.Deleted(id, change(sequence), TransactionChange.DeletionCause.DELETED, null);
    }

    public static TransactionChange.Deleted expired(TransactionId id, long sequence) {
        return new TransactionChange.Deleted(id, change(sequence), TransactionChange.DeletionCause.EXPIRED, null);
    }

    /** A transaction recorded on an invoice that already had one. */
    public static TransactionRecorded recorded(TransactionId id, long sequence, String usdAmount, CountryCode country) {
        return recorded(id, sequence, usdAmount, country, false);
    }

    /** The first transaction ever recorded on the invoice: it opens the invoice. */
    public static TransactionRecorded opening(TransactionId id, long sequence, String usdAmount, CountryCode country) {
        return recorded(id, sequence, usdAmount, country, true);
    }

    private static TransactionRecorded recorded(TransactionId id, long sequence, String usdAmount, CountryCode country,
                                                boolean opensInvoice) {
        TransactionDetails d = details(usdAmount, country);
        return new TransactionRecorded(INVOICE, id, d.amount(), d.country(), d.invoiceDate(), d.document(),
                opensInvoice, change(sequence));
    }

    public static final io.invoicestreams.domain.Verifier ADMIN = new io.invoicestreams.domain.Verifier("admin@com");

    public static VerificationEvent.CountryVerifierAssigned verifierAssigned(CountryCode country,
                                                                             TransactionId... open) {
        return new VerificationEvent.CountryVerifierAssigned(INVOICE, country, ADMIN, List.of(open), EPOCH);
    }

    public static ApplyTransactionChanges apply(TransactionChange... changes) {
        return ApplyTransactionChanges.of(INVOICE, changes);
    }
}
