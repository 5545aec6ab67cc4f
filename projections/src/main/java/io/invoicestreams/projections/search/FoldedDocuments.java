package io.invoicestreams.projections.search;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The search documents of a rebuild, folded in memory: the newest write of each id, deletions included (as
 * tombstones, so that the rebuilt index keeps refusing an older, late write of a deleted document).
 */
final class FoldedDocuments implements SearchDocuments {

    private final Map<String, SearchWrite> newest = new HashMap<>();

    @Override
    public Optional<SearchDocument> find(String id) {
        return newest.get(id) instanceof SearchWrite.Upsert upsert ? Optional.of(upsert.document()) : Optional.empty();
    }

    @Override
    public void apply(List<SearchWrite> writes) {
        for (SearchWrite write : writes) {
            newest.merge(write.id(), write, (held, next) -> next.version() > held.version() ? next : held);
        }
    }

    /** Documents and tombstones folded. */
    long size() {
        return newest.size();
    }

    Collection<SearchWrite> writes() {
        return newest.values();
    }
}
