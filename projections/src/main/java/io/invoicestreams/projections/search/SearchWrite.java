package io.invoicestreams.projections.search;

import java.util.Objects;

/** One write to the search index, guarded by its version: a write older than what the index holds is ignored. */
public sealed interface SearchWrite {

    String id();

    long version();

    /** Index the document whole, replacing an older version. */
    record Upsert(SearchDocument document) implements SearchWrite {
        public Upsert {
            Objects.requireNonNull(document, "document");
        }

        @Override
        public String id() {
            return document.id();
        }

        @Override
        public long version() {
            return document.version();
        }
    }

    /** Remove the document; the index remembers the version, so an older, late upsert cannot bring it back. */
    record Delete(String id, long version) implements SearchWrite {
        public Delete {
            Objects.requireNonNull(id, "id");
        }
    }
}
