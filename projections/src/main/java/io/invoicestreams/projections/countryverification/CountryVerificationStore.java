package io.invoicestreams.projections.countryverification;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the country verification counts live: the {@code InvoiceAction} table in production. Each row remembers
 * which transactions it counted, so counting or uncounting a transaction twice has the effect of doing it once,
 * and a removal only takes back what was counted.
 */
public interface CountryVerificationStore {

    /** Counts the transaction in its country's row if that row has a verifier. */
    CountOutcome count(InvoiceNumber invoice, CountryCode country, TransactionId transaction);

    /**
     * Counts the transactions in their country's row if that row has a verifier, as {@link #count} one after the
     * other would, in as few writes as the store can (issue 15: a processor batch's recordings, coalesced per
     * invoice and country).
     *
     * @return the outcome of each distinct transaction, in the order given
     */
    default Map<TransactionId, CountOutcome> countAll(InvoiceNumber invoice, CountryCode country,
                                                      List<TransactionId> transactions) {
        Map<TransactionId, CountOutcome> outcomes = new LinkedHashMap<>();
        for (TransactionId transaction : transactions) {
            outcomes.putIfAbsent(transaction, count(invoice, country, transaction));
        }
        return outcomes;
    }

    /** Takes the transaction out of its country's count, if it was counted there; true if it was. */
    boolean uncount(InvoiceNumber invoice, CountryCode country, TransactionId transaction);

    /** Sets the row's verifier and makes its count exactly the given open transactions. */
    void assign(InvoiceNumber invoice, CountryCode country, Verifier verifier, Set<TransactionId> counted);

    /** Removes the row's verifier and its count. */
    void unassign(InvoiceNumber invoice, CountryCode country);

    /** The rows of one invoice, by country. */
    List<CountryVerificationView> find(InvoiceNumber invoice);

    /** Deletes every row, before a rebuild in place (the path before issue 15, kept as the benchmark's baseline). */
    void clear();

    /**
     * Makes the read model hold exactly these rows, as a rebuild folded them: each row goes from its old value to
     * the given one in one write, and the rows not given are deleted afterwards.
     */
    io.invoicestreams.projections.Replaced replaceAll(java.util.Collection<CountryVerificationRow> rows);

    enum CountOutcome {
        /** The row has a verifier; its count went up by one. */
        COUNTED,
        /** The row had counted this transaction already (a redelivered event). */
        ALREADY_COUNTED,
        /** Nobody verifies this country on this invoice: the expected outcome, nothing was written. */
        UNVERIFIED
    }
}
