package io.invoicestreams.projections;

/**
 * What writing a folded read model over the live one did.
 *
 * @param written items put, each replacing its old value in one write
 * @param deleted items that the fold did not produce, deleted afterwards
 */
public record Replaced(long written, long deleted) {
}
