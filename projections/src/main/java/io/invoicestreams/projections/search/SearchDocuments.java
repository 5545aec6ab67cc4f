package io.invoicestreams.projections.search;

import java.util.List;
import java.util.Optional;

/**
 * What {@link SearchProjection} reads and writes: documents by id, each write guarded by its version. The search
 * index is one; a rebuild's fold keeps them in memory ({@link FoldedDocuments}).
 */
public interface SearchDocuments {

    /** The document as written, if it is there and not deleted. */
    Optional<SearchDocument> find(String id);

    /**
     * Applies the writes in order, each only where the documents hold an older version or nothing, and returns once
     * they are durable and visible.
     */
    void apply(List<SearchWrite> writes);
}
