package io.invoicestreams.domain.invoice;

/**
 * What came of assigning or removing a verifier.
 *
 * @param changed           false when the command asked for what already held, so no event was stored
 * @param openTransactions  the country's transactions on the invoice now covered (0 after a removal)
 */
public record VerifierOutcome(boolean changed, int openTransactions) {
}
