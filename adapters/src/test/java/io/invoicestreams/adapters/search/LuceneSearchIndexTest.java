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

    /**
     * A rebuild taken over by another node interrupts the thread that writes the fold (ADR 0022): the new generation
     * is dropped, the current one still answers and takes the live writes, and the writer was never closed by an
     * interrupt inside Lucene's file writes.
     */
    @Test
    void an_interrupted_fill_drops_the_new_generation_and_the_current_one_goes_on(@TempDir Path folder)
            throws Exception {
        LuceneSearchIndex index = open(folder);
        index.apply(List.of(upsert("old", "laptops", 1)));
        java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<SearchWrite> writes = List.of(upsert("a", "desktops", 2), upsert("b", "desktops", 3),
                upsert("c", "desktops", 4));
        java.util.Collection<SearchWrite> blocking = new java.util.AbstractCollection<>() {
            @Override
            public java.util.Iterator<SearchWrite> iterator() {
                var inner = writes.iterator();
                return new java.util.Iterator<>() {
                    int handed;

                    @Override
                    public boolean hasNext() {
                        return inner.hasNext();
                    }

                    @Override
                    public SearchWrite next() {
                        if (++handed == 2) {
                            reached.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                        return inner.next();
                    }
                };
            }

            @Override
            public int size() {
                return writes.size();
            }
        };
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread rebuild = Thread.ofPlatform().start(() -> {
            try {
                index.replaceAll(blocking);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        assertThat(reached.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(index.rebuilding()).isTrue();

        rebuild.interrupt();
        release.countDown();
        rebuild.join(10_000);

        assertThat(rebuild.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
        assertThat(index.rebuilding()).isFalse();
        assertThat(folder.resolve("building")).doesNotExist();
        assertThat(folder.resolve("gen-000002")).doesNotExist();
        assertThat(index.search(SearchQuery.text("desktops")).total()).isZero();
        index.apply(List.of(upsert("live", "laptops", 5)));
        assertThat(index.search(SearchQuery.text("laptops")).total()).isEqualTo(2);
    }

    /**
     * Issue 18: a query that would make the index read too much is refused with a reason (400), one that runs past
     * its time is given up (503), and the index answers the next query as before.
     */
    @Test
    void wide_wildcards_exploding_fuzzies_and_slow_searches_are_refused_and_the_index_still_answers(
            @TempDir Path folder) {
        LuceneSearchIndex index = open(folder);
        List<SearchWrite> writes = new ArrayList<>();
        for (int i = 0; i <= LuceneSearchIndex.MAX_EXPANSION; i++) {
            writes.add(upsert("t" + i, "k" + i, 1));
        }
        index.apply(writes);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.search(SearchQuery.text("k*")))
                .isInstanceOf(io.invoicestreams.projections.search.SearchResults.BadQuery.class)
                .hasMessageContaining("matches more than 10000 terms");
        String fuzzies = java.util.stream.IntStream.range(1, 150).mapToObj(i -> "k" + i + "~")
                .collect(java.util.stream.Collectors.joining(" "));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.search(SearchQuery.text(fuzzies)))
                .isInstanceOf(io.invoicestreams.projections.search.SearchResults.BadQuery.class)
                .hasMessageContaining("too many clauses");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SearchQuery.text("k".repeat(1001)))
                .hasMessageContaining("at most 1000 characters");

        index.searchTimeout(java.time.Duration.ofNanos(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.search(SearchQuery.text("k1*")))
                .isInstanceOf(io.invoicestreams.projections.search.SearchResults.TimedOut.class)
                .hasMessageContaining("took longer than 0 ms");

        index.searchTimeout(java.time.Duration.ofSeconds(5));
        assertThat(index.search(SearchQuery.text("k1000*")).total()).as("k1000 and k10000").isEqualTo(2);
        assertThat(index.search(SearchQuery.text("k1~")).total()).isPositive();
    }
}
