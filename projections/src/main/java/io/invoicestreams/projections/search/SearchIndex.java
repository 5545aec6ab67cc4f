package io.invoicestreams.projections.search;

import io.invoicestreams.projections.Replaced;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The full-text index of the transactions: Lucene in the JVM by default, OpenSearch in production.
 *
 * <p>A rebuild writes a new index while searches keep reading the current one; when the rebuild has caught up, an
 * alias swap makes the new index current. Writes and {@link #find} go to the index being built.
 */
public interface SearchIndex extends SearchDocuments {

    /** The document as indexed, if it is there and not deleted. */
    @Override
    Optional<SearchDocument> find(String id);

    /**
     * Applies the writes in order, each only where the index holds an older version or nothing, and returns once
     * they are durable and visible to searches.
     */
    @Override
    void apply(List<SearchWrite> writes);

    /**
     * Makes the index hold exactly these documents, as a rebuild folded them (issue 15, ADR 0022): a new generation
     * is filled with them (tombstones included) while searches read the current one, and then swapped in. A
     * rebuild in place under way is abandoned. When filling fails, the new generation is dropped and the current one
     * goes on taking the writes.
     *
     * @param writes at most one per id
     * @return the documents written, and the tombstones among them as deleted
     */
    default Replaced replaceAll(Collection<SearchWrite> writes) {
        beginRebuild();
        long deleted = 0;
        try {
            List<SearchWrite> chunk = new ArrayList<>(1000);
            for (SearchWrite write : writes) {
                chunk.add(write);
                deleted += write instanceof SearchWrite.Delete ? 1 : 0;
                if (chunk.size() == 1000) {
                    apply(chunk);
                    chunk.clear();
                }
            }
            if (!chunk.isEmpty()) {
                apply(chunk);
            }
        } catch (RuntimeException e) {
            abandonRebuild();
            throw e;
        }
        completeRebuild();
        return new Replaced(writes.size() - deleted, deleted);
    }

    /**
     * Starts a rebuild: a new, empty index takes the writes from now on, while searches read the current one. A
     * rebuild already under way starts over.
     */
    void beginRebuild();

    /** Whether a rebuild is under way; it survives a restart. */
    boolean rebuilding();

    /** Drops the generation a rebuild was filling; the current one takes the writes again. Nothing when none is. */
    void abandonRebuild();

    /** Makes the rebuilt index current (the alias swap) and drops the old one; nothing when no rebuild runs. */
    void completeRebuild();

    /**
     * @throws SearchResults.BadQuery when the text cannot be parsed
     */
    SearchResults search(SearchQuery query);
}
