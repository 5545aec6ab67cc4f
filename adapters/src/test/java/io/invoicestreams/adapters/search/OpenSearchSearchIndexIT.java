package io.invoicestreams.adapters.search;

import io.invoicestreams.adapters.support.LocalOpenSearch;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchIndexContract;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The search contract on a real OpenSearch 3.8 node (a child JVM), each test under aliases of its own. */
class OpenSearchSearchIndexIT extends SearchIndexContract {

    private final List<OpenSearchSearchIndex> opened = new ArrayList<>();

    @Override
    protected SearchIndex index() {
        OpenSearchSearchIndex index = new OpenSearchSearchIndex(LocalOpenSearch.endpoint(),
                "search-" + UUID.randomUUID().toString().substring(0, 8));
        opened.add(index);
        return index;
    }

    @AfterEach
    void close() {
        opened.forEach(OpenSearchSearchIndex::close);
    }
}
