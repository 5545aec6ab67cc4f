package io.invoicestreams.domain.invoice;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who verifies an invoice's transactions per country. These come from an administrator, not from the stream, so
 * they carry the time of the decision instead of a stream record. A switch over them has no default.
 */
public sealed interface VerificationEvent {

    InvoiceNumber invoiceNumber();

    CountryCode country();

    /**
     * A verifier now answers for the country's transactions on the invoice, including those recorded before.
     *
     * @param openTransactions the transactions of that country on the invoice at the time, which the verifier
     *                         takes over; a read model counts them without needing the history
     */
    record CountryVerifierAssigned(InvoiceNumber invoiceNumber, CountryCode country, Verifier verifier,
                                   List<TransactionId> openTransactions, Instant assignedAt)
            implements VerificationEvent {
        public CountryVerifierAssigned {
            Objects.requireNonNull(verifier, "verifier");
            openTransactions = List.copyOf(openTransactions);
            Objects.requireNonNull(assignedAt, "assignedAt");
        }
    }

    /** The country's transactions on the invoice are no longer verified by anybody. */
    record CountryVerifierRemoved(InvoiceNumber invoiceNumber, CountryCode country, Verifier previousVerifier,
                                  Instant removedAt) implements VerificationEvent {
        public CountryVerifierRemoved {
            Objects.requireNonNull(previousVerifier, "previousVerifier");
            Objects.requireNonNull(removedAt, "removedAt");
        }
    }
}
