package io.invoicestreams.adapters.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.projections.search.SearchDocument;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchIndexContract;
import io.invoicestreams.projections.search.SearchQuery;
import io.invoicestreams.projections.search.SearchWrite;
import io.invoicestreams.projections.support.EventHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search contract on Lucene, in a folder of its own per test; and the alias files across a restart. */
class LuceneSearchIndexTest extends SearchIndexContract {

    private final List<LuceneSearchIndex> opened = new ArrayList<>();

    @Override
    protected SearchIndex index() {
        try {
            return open(Files.createTempDirectory("lucene-contract"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LuceneSearchIndex open(Path folder) {
        LuceneSearchIndex index = new LuceneSearchIndex(folder);
        opened.add(index);
        return index;
    }

    @AfterEach
    void close() {
        opened.forEach(LuceneSearchIndex::close);
    }

    private static SearchWrite upsert(String transaction, String item, long version) {
        return new SearchWrite.Upsert(new SearchDocument("1212121", transaction, "USA", EventHistory.money("$1"),
                "06062016", EventHistory.document("Vendor1 Inc", Map.of(item, 1)), Instant.EPOCH, version));
    }

    @Test
    void a_rebuild_under_way_goes_on_after_a_restart_and_the_swap_drops_the_old_generation(@TempDir Path folder)
            throws IOException {
        LuceneSearchIndex first = open(folder);
        first.apply(List.of(upsert("old", "laptops", 1)));
        first.beginRebuild();
        first.apply(List.of(upsert("new", "desktops", 2)));
        first.close();
        opened.remove(first);

        LuceneSearchIndex again = open(folder);

        assertThat(again.rebuilding()).isTrue();
        assertThat(again.search(SearchQuery.text("laptops")).total()).isEqualTo(1);
        assertThat(again.find("1212121|new")).isPresent();
        again.completeRebuild();
        assertThat(again.search(SearchQuery.text("laptops")).total()).isZero();
        assertThat(again.search(SearchQuery.text("desktops")).total()).isEqualTo(1);
        assertThat(Files.readString(folder.resolve("current")).strip()).isEqualTo("gen-000002");
        assertThat(folder.resolve("gen-000001")).doesNotExist();
        assertThat(folder.resolve("building")).doesNotExist();
    }
}
