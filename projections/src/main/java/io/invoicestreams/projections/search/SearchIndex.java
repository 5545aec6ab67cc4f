package io.invoicestreams.projections.search;

import java.util.List;
import java.util.Optional;

/**
 * The full-text index of the transactions: Lucene in the JVM by default, OpenSearch in production.
 *
 * <p>A rebuild writes a new index while searches keep reading the current one; when the rebuild has caught up, an
 * alias swap makes the new index current. Writes and {@link #find} go to the index being built.
 */
public interface SearchIndex {

    /** The document as indexed, if it is there and not deleted. */
    Optional<SearchDocument> find(String id);

    /**
     * Applies the writes in order, each only where the index holds an older version or nothing, and returns once
     * they are durable and visible to searches.
     */
    void apply(List<SearchWrite> writes);

    /**
     * Starts a rebuild: a new, empty index takes the writes from now on, while searches read the current one. A
     * rebuild already under way starts over.
     */
    void beginRebuild();

    /** Whether a rebuild is under way; it survives a restart. */
    boolean rebuilding();

    /** Makes the rebuilt index current (the alias swap) and drops the old one; nothing when no rebuild runs. */
    void completeRebuild();

    /**
     * @throws SearchResults.BadQuery when the text cannot be parsed
     */
    SearchResults search(SearchQuery query);
}
