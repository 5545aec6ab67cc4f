package io.invoicestreams.adapters.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.json.InvoiceJson;
import io.invoicestreams.projections.Replaced;
import io.invoicestreams.projections.search.SearchDocument;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchQuery;
import io.invoicestreams.projections.search.SearchResults;
import io.invoicestreams.projections.search.SearchWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The search index in the JVM with Apache Lucene, in a folder: the embedded default.
 *
 * <p>The folder holds generations ({@code gen-000001}, …) and two alias files: {@code current}, the generation
 * searches read, and, during a rebuild, {@code building}, the one being filled; a rebuild ends by pointing
 * {@code current} at it. Each transaction is one Lucene document under its id. A deletion leaves a tombstone with its version, so a late,
 * older write cannot bring a document back. Writes are committed before {@link #apply} returns, which is before the
 * processor's token moves. Free text goes through Lucene's classic query parser over all text (default), or over
 * {@code vendor}, {@code item}, {@code country}, {@code invoice}, {@code transaction} and any document attribute
 * by its lower-case name; wildcards may lead ({@code vendor:*1*}).
 */
public final class LuceneSearchIndex implements SearchIndex, AutoCloseable {

    /** Amounts are indexed as whole units of 1/10,000, exact for every ISO 4217 currency. */
    private static final List<String> FACETS = List.of("country", "vendor");

    /** Lucene's indexing buffer while a rebuild fills a generation: fewer, larger segments to flush and merge. */
    private static final double BULK_BUFFER_MB = 256;

    private static final String CURRENT = "current";
    private static final String BUILDING = "building";

    private final Path folder;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final FacetsConfig facets = new FacetsConfig();
    private final ObjectMapper json = InvoiceJson.objectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LuceneSearchIndex.class);

    /** The index searches read: what the alias {@code current} names. */
    private volatile Generation live;
    /** The index writes go to: the live one, or the one a rebuild is filling. */
    private volatile Generation target;
    private final IndexGenerations generations;

    /** One Lucene index in its own sub-folder, {@code gen-000001} and so on. */
    private final class Generation implements AutoCloseable {
        final String name;
        final FSDirectory directory;
        final IndexWriter writer;
        final SearcherManager searchers;

        Generation(String name) throws IOException {
            this.name = name;
            directory = FSDirectory.open(folder.resolve(name));
            writer = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
            writer.commit(); // an empty new index is a valid index on disk
            searchers = new SearcherManager(writer, null);
        }

        @Override
        public void close() throws IOException {
            searchers.close();
            writer.close();
            directory.close();
        }
    }

    /**
     * Opens the index in the folder: the generation that {@code current} names, and, if a rebuild was under way,
     * the one {@code building} names, which goes on taking the writes.
     */
    public LuceneSearchIndex(Path folder) {
        this.folder = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the search index in " + folder, e);
        }
        Folder engine = new Folder();
        generations = new IndexGenerations(engine);
        live = engine.open(engine.named(IndexGenerations.Alias.CURRENT).orElseThrow());
        target = engine.named(IndexGenerations.Alias.BUILDING).map(engine::open).orElse(live);
    }

    /** The generations as sub-folders and the aliases as files holding a generation's name. */
    private final class Folder implements IndexGenerations.Engine {
        private final java.util.Map<String, Generation> opened = new java.util.HashMap<>();

        Generation open(String name) {
            return opened.computeIfAbsent(name, n -> {
                try {
                    return new Generation(n);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the search index generation " + n + " in " + folder,
                            e);
                }
            });
        }

        @Override
        public Optional<String> named(IndexGenerations.Alias alias) {
            Path file = folder.resolve(fileOf(alias));
            try {
                return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        @Override
        public String createNext() {
            return open(nextGeneration()).name;
        }

        @Override
        public void point(IndexGenerations.Alias alias, String generation) {
            write(fileOf(alias), generation);
            if (alias == IndexGenerations.Alias.BUILDING) {
                target = open(generation);
            }
        }

        @Override
        public void unpoint(IndexGenerations.Alias alias) {
            try {
                Files.deleteIfExists(folder.resolve(fileOf(alias)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the search index's " + fileOf(alias) + " alias", e);
            }
            if (alias == IndexGenerations.Alias.BUILDING) {
                target = live;
            }
        }

        @Override
        public void promote(String generation) {
            write(CURRENT, generation);
            try {
                Files.deleteIfExists(folder.resolve(BUILDING));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot swap in the rebuilt search index", e);
            }
            live = open(generation);
            target = live;
        }

        @Override
        public void drop(String generation) {
            Generation dropped = opened.remove(generation);
            try {
                if (dropped != null) {
                    dropped.close();
                }
                try (var files = Files.walk(folder.resolve(generation))) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the search index generation " + generation, e);
            }
        }

        private String fileOf(IndexGenerations.Alias alias) {
            return switch (alias) {
                case CURRENT -> CURRENT;
                case BUILDING -> BUILDING;
            };
        }

        /** Writes the alias file whole: a temporary file, forced to disk, then an atomic rename. */
        private void write(String name, String generation) {
            try {
                Path temporary = Files.createTempFile(folder, "." + name + "-", ".tmp");
                try (var channel = java.nio.channels.FileChannel.open(temporary,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.wrap((generation + "\n").getBytes(StandardCharsets.UTF_8)));
                    channel.force(true);
                }
                Files.move(temporary, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot point the search index's " + name + " alias at " + generation,
                        e);
            }
        }

        /** A name no generation in the folder has had: one above the highest there, leftovers included. */
        private String nextGeneration() {
            int highest = 0;
            try (var entries = Files.list(folder)) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    String n = p.getFileName().toString();
                    if (n.matches("gen-\\d{6}")) {
                        highest = Math.max(highest, Integer.parseInt(n.substring(4)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return String.format(Locale.ROOT, "gen-%06d", highest + 1);
        }
    }

    @Override
    public synchronized void beginRebuild() {
        generations.begin();
    }

    @Override
    public boolean rebuilding() {
        return target != live;
    }

    @Override
    public synchronized void completeRebuild() {
        generations.complete();
    }

    @Override
    public synchronized void abandonRebuild() {
        generations.abandon();
    }

    /**
     * Fills a new generation with the documents in bulk (no version look-ups: it starts empty and each id comes
     * once), commits it once, and swaps it in. The filling runs on a thread of its own: an interrupt of the caller
     * (a rebuild taken over by another node) must not land inside Lucene's file writes, which would close the
     * writer; the filling stops at its next document instead, and the new generation is dropped.
     */
    @Override
    public Replaced replaceAll(Collection<SearchWrite> writes) {
        beginRebuild();
        Generation building = target;
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<Replaced> filled = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("search-rebuild-writer").start(() -> {
            try {
                filled.complete(fill(building, writes, cancelled));
            } catch (Throwable e) {
                filled.completeExceptionally(e);
            }
        });
        Replaced replaced;
        try {
            replaced = filled.get();
        } catch (InterruptedException e) {
            cancelled.set(true);
            try {
                filled.exceptionally(ignored -> null).join();
            } finally {
                abandonRebuild();
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the search index rebuild was interrupted; its new generation is dropped",
                    e);
        } catch (ExecutionException e) {
            abandonRebuild();
            throw e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException("cannot fill the rebuilt search index", e.getCause());
        }
        completeRebuild();
        return replaced;
    }

    private Replaced fill(Generation building, Collection<SearchWrite> writes, AtomicBoolean cancelled)
            throws IOException {
        IndexWriter writer = building.writer;
        double buffer = writer.getConfig().getRAMBufferSizeMB();
        writer.getConfig().setRAMBufferSizeMB(BULK_BUFFER_MB);
        long deleted = 0;
        try {
            for (SearchWrite write : writes) {
                if (cancelled.get()) {
                    throw new IllegalStateException("cancelled");
                }
                Document doc = switch (write) {
                    case SearchWrite.Upsert upsert -> document(upsert.document());
                    case SearchWrite.Delete delete -> tombstone(delete);
                };
                deleted += write instanceof SearchWrite.Delete ? 1 : 0;
                writer.addDocument(facets.build(doc));
            }
            writer.commit();
        } finally {
            writer.getConfig().setRAMBufferSizeMB(buffer);
        }
        building.searchers.maybeRefreshBlocking();
        return new Replaced(writes.size() - deleted, deleted);
    }

    @Override
    public Optional<SearchDocument> find(String id) {
        return stored(id).filter(s -> s.live).map(s -> read(s.source));
    }

    private record Stored(long version, boolean live, String source) {
    }

    private Optional<Stored> stored(String id) {
        SearcherManager searchers = target.searchers;
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                TopDocs top = searcher.search(new TermQuery(new Term("id", id)), 1);
                if (top.scoreDocs.length == 0) {
                    return Optional.empty();
                }
                Document doc = searcher.storedFields().document(top.scoreDocs[0].doc);
                return Optional.of(new Stored(doc.getField("version_stored").numericValue().longValue(),
                        "1".equals(doc.get("live")), doc.get("source")));
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The generation again, opened at its last commit, when a failed write closed its writer. Lucene closes a writer
     * for good on a "tragic" failure, such as a full disk during a flush; what it had not committed is gone, and the
     * batch that failed is retried, so nothing is lost. Without this the index would refuse every write until a
     * restart.
     */
    private Generation reopenedIfClosed(Generation generation) throws IOException {
        if (generation.writer.isOpen()) {
            return generation;
        }
        Generation fresh = new Generation(generation.name);
        LOG.warn("The search index writer of {} had closed after a failed write ({}); opened again at its last commit",
                generation.name, String.valueOf(generation.writer.getTragicException()));
        try {
            generation.close();
        } catch (IOException | RuntimeException closed) {
            // the writer is closed already; its files are released
        }
        if (live == generation) {
            live = fresh;
        }
        if (target == generation) {
            target = fresh;
        }
        return fresh;
    }

    @Override
    public synchronized void apply(List<SearchWrite> writes) {
        try {
            Generation generation = reopenedIfClosed(target);
            apply(writes, generation.writer, generation.searchers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the search index", e);
        }
    }

    private void apply(List<SearchWrite> writes, IndexWriter writer, SearcherManager searchers) throws IOException {
        searchers.maybeRefreshBlocking(); // see every write of earlier batches
        Map<String, Long> written = new LinkedHashMap<>();
        for (SearchWrite write : writes) {
            long held = written.containsKey(write.id()) ? written.get(write.id())
                    : stored(write.id()).map(Stored::version).orElse(Long.MIN_VALUE);
            if (write.version() <= held) {
                continue; // stale: the index holds this version or a newer one
            }
            Document doc = switch (write) {
                case SearchWrite.Upsert upsert -> document(upsert.document());
                case SearchWrite.Delete delete -> tombstone(delete);
            };
            writer.updateDocument(new Term("id", write.id()), facets.build(doc));
            written.put(write.id(), write.version());
        }
        if (!written.isEmpty()) {
            writer.commit();
            searchers.maybeRefreshBlocking();
        }
    }

    private Document document(SearchDocument d) throws JsonProcessingException {
        Document doc = new Document();
        doc.add(new StringField("id", d.id(), Field.Store.YES));
        doc.add(new SortedDocValuesField("id", new BytesRef(d.id())));
        doc.add(new StringField("live", "1", Field.Store.YES));
        doc.add(new LongPoint("version", d.version()));
        doc.add(new StoredField("version_stored", d.version()));
        doc.add(new NumericDocValuesField("version", d.version()));
        doc.add(new StringField("invoice", d.invoiceNumber(), Field.Store.NO));
        doc.add(new StringField("transaction", d.transactionId(), Field.Store.NO));
        doc.add(new StringField("country", d.country().toLowerCase(Locale.ROOT), Field.Store.NO));
        doc.add(new SortedSetDocValuesFacetField("country", d.country()));
        doc.add(new LongPoint("amount", AmountUnits.exact(d.amount().amount())));
        doc.add(new StringField("currency", d.amount().currency().getCurrencyCode(), Field.Store.NO));
        StringBuilder all = new StringBuilder();
        all.append(d.invoiceNumber()).append(' ').append(d.transactionId()).append(' ').append(d.country()).append(' ');
        if (!d.vendor().isBlank()) {
            doc.add(new TextField("vendor", d.vendor(), Field.Store.NO));
            doc.add(new SortedSetDocValuesFacetField("vendor", d.vendor()));
        }
        for (SearchDocument.Item item : d.items()) {
            doc.add(new TextField("item", item.name(), Field.Store.NO));
            if (item.quantity() != null) {
                doc.add(new DoublePoint("quantity." + item.name().toLowerCase(Locale.ROOT),
                        item.quantity().doubleValue()));
            }
        }
        d.attributes().forEach((name, text) -> {
            doc.add(new TextField(name.toLowerCase(Locale.ROOT).replace(' ', '_'), text, Field.Store.NO));
            all.append(text).append(' ');
        });
        String items = String.join(", ", d.items().stream().map(SearchDocument.Item::toString).toList());
        all.append(items);
        doc.add(new TextField("text", all.toString(), Field.Store.YES));
        doc.add(new StoredField("source", json.writeValueAsString(d)));
        return doc;
    }

    private static Document tombstone(SearchWrite.Delete delete) {
        Document doc = new Document();
        doc.add(new StringField("id", delete.id(), Field.Store.YES));
        doc.add(new SortedDocValuesField("id", new BytesRef(delete.id()))); // one doc values type per field
        doc.add(new StringField("live", "0", Field.Store.YES));
        doc.add(new StoredField("version_stored", delete.version()));
        return doc;
    }


    private SearchDocument read(String source) {
        try {
            return json.readValue(source, SearchDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an indexed document", e);
        }
    }

    /**
     * The most terms one wildcard, fuzzy, regular-expression or range part of a query may match; more is refused with
     * 400, since each term is a posting list to read.
     */
    public static final int MAX_EXPANSION = 10_000;

    /** The longest one query may search before it is given up (503). */
    private volatile java.time.Duration searchTimeout = java.time.Duration.ofSeconds(5);

    /** Sets the longest time one query may take. */
    public LuceneSearchIndex searchTimeout(java.time.Duration timeout) {
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("the search timeout must be positive, was " + timeout);
        }
        this.searchTimeout = timeout;
        return this;
    }

    @Override
    public SearchResults search(SearchQuery q) {
        Query query = query(q);
        SearcherManager searchers = live.searchers;
        try {
            IndexSearcher shared = searchers.acquire();
            try {
                // A searcher of its own, cheap to make, so that its time limit is this query's alone.
                IndexSearcher searcher = new IndexSearcher(shared.getIndexReader());
                searcher.setTimeout(new org.apache.lucene.index.QueryTimeoutImpl(searchTimeout.toMillis()));
                checkExpansion(searcher, query);
                Sort sort = new Sort(SortField.FIELD_SCORE, new SortField("id", SortField.Type.STRING));
                FacetsCollectorManager.FacetsResult result = q.next() == null
                        ? FacetsCollectorManager.search(searcher, query, q.limit() + 1, sort, true,
                        new FacetsCollectorManager())
                        : FacetsCollectorManager.searchAfter(searcher, after(q.next(), searcher), query, q.limit() + 1, sort,
                        true, new FacetsCollectorManager());
                ScoreDoc[] docs = result.topDocs().scoreDocs;
                int shown = Math.min(q.limit(), docs.length);
                TopDocs page = new TopDocs(result.topDocs().totalHits, java.util.Arrays.copyOf(docs, shown));
                String[] highlights = UnifiedHighlighter.builder(searcher, analyzer).build()
                        .highlight("text", query, page, 2);
                List<SearchResults.Hit> hits = new ArrayList<>();
                for (int i = 0; i < shown; i++) {
                    SearchDocument d = read(searcher.storedFields().document(docs[i].doc).get("source"));
                    hits.add(new SearchResults.Hit(d.id(), d.invoiceNumber(), d.transactionId(), d.country(),
                            d.amount().amount(), d.amount().currency().getCurrencyCode(), d.vendor(),
                            d.items().stream().map(SearchDocument.Item::toString).toList(), docs[i].score,
                            highlights[i] == null ? List.of() : List.of(highlights[i].split("… ?")),
                            json.writeValueAsString(d.document())));
                }
                String next = docs.length > q.limit() ? token((FieldDoc) docs[shown - 1]) : null;
                long total = count(searcher, query);
                if (searcher.timedOut()) {
                    throw new SearchResults.TimedOut("the search took longer than " + searchTimeout.toMillis()
                            + " ms and was given up; narrow the query or try again");
                }
                return new SearchResults(total, hits, facetCounts(searcher, result), next);
            } finally {
                searchers.release(shared);
            }
        } catch (IndexSearcher.TooManyClauses e) {
            throw new SearchResults.BadQuery("the query has too many clauses (at most "
                    + IndexSearcher.getMaxClauseCount() + "); narrow it", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the index", e);
        }
    }

    /** Refuses a query whose wildcard, fuzzy, regular-expression or range part matches too many terms. */
    private static void checkExpansion(IndexSearcher searcher, Query query) throws IOException {
        List<org.apache.lucene.search.MultiTermQuery> expanding = new ArrayList<>();
        query.visit(new org.apache.lucene.search.QueryVisitor() {
            @Override
            public void consumeTermsMatching(Query q, String field,
                                             java.util.function.Supplier<org.apache.lucene.util.automaton.ByteRunAutomaton> a) {
                if (q instanceof org.apache.lucene.search.MultiTermQuery m) {
                    expanding.add(m);
                }
            }

            @Override
            public org.apache.lucene.search.QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
                return this;
            }
        });
        for (org.apache.lucene.search.MultiTermQuery m : expanding) {
            long matched = 0;
            for (org.apache.lucene.index.LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                org.apache.lucene.index.Terms terms = leaf.reader().terms(m.getField());
                if (terms == null) {
                    continue;
                }
                org.apache.lucene.index.TermsEnum matching = m.getTermsEnum(terms);
                while (matching.next() != null) {
                    if (++matched > MAX_EXPANSION) {
                        throw new SearchResults.BadQuery("'" + m.toString(m.getField()) + "' matches more than "
                                + MAX_EXPANSION + " terms; narrow it", null);
                    }
                }
            }
        }
    }

    private static long count(IndexSearcher searcher, Query query) throws IOException {
        return searcher.count(query);
    }

    private Map<String, Map<String, Long>> facetCounts(IndexSearcher searcher, FacetsCollectorManager.FacetsResult result)
            throws IOException {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        FACETS.forEach(f -> counts.put(f, new LinkedHashMap<>()));
        try {
            SortedSetDocValuesFacetCounts facetCounts = new SortedSetDocValuesFacetCounts(
                    new DefaultSortedSetDocValuesReaderState(searcher.getIndexReader(), facets), result.facetsCollector());
            for (String dim : FACETS) {
                FacetResult top = facetCounts.getTopChildren(20, dim);
                if (top != null) {
                    for (LabelAndValue lv : top.labelValues) {
                        counts.get(dim).put(lv.label, lv.value.longValue());
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // no document has facets yet (an empty index, or only tombstones)
        }
        return counts;
    }

    private Query query(SearchQuery q) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(new TermQuery(new Term("live", "1")), BooleanClause.Occur.FILTER);
        if (q.text() != null && !q.text().isBlank()) {
            QueryParser parser = new QueryParser("text", analyzer);
            parser.setAllowLeadingWildcard(true);
            parser.setDefaultOperator(QueryParser.Operator.AND);
            try {
                b.add(parser.parse(q.text()), BooleanClause.Occur.MUST);
            } catch (ParseException e) {
                throw new SearchResults.BadQuery(firstLine(e.getMessage()), e);
            } catch (org.apache.lucene.util.automaton.TooComplexToDeterminizeException
                     | IndexSearcher.TooManyClauses e) {
                throw new SearchResults.BadQuery("the query is too complex: " + firstLine(e.getMessage()), e);
            }
        } else {
            b.add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
        }
        if (q.country() != null) {
            b.add(new TermQuery(new Term("country", q.country().toLowerCase(Locale.ROOT))), BooleanClause.Occur.FILTER);
        }
        if (q.invoice() != null) {
            b.add(new TermQuery(new Term("invoice", q.invoice())), BooleanClause.Occur.FILTER);
        }
        if (q.minAmount() != null || q.maxAmount() != null) {
            b.add(LongPoint.newRangeQuery("amount",
                    q.minAmount() == null ? Long.MIN_VALUE : AmountUnits.atLeast(q.minAmount()),
                    q.maxAmount() == null ? Long.MAX_VALUE : AmountUnits.atMost(q.maxAmount())), BooleanClause.Occur.FILTER);
        }
        if (q.item() != null) {
            String field = "quantity." + q.item().toLowerCase(Locale.ROOT);
            b.add(q.minQuantity() == null
                            ? new TermQuery(new Term("item", q.item().toLowerCase(Locale.ROOT)))
                            : DoublePoint.newRangeQuery(field, q.minQuantity().doubleValue(), Double.POSITIVE_INFINITY),
                    BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    private static String firstLine(String message) {
        return message == null ? "the query cannot be parsed" : message.lines().findFirst().orElse(message).strip();
    }

    private static String token(FieldDoc last) {
        String text = last.fields[0] + "\n" + ((BytesRef) last.fields[1]).utf8ToString();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The position after the last hit shown; ids are unique, so the doc number never decides (it is the largest). */
    private static FieldDoc after(String token, IndexSearcher searcher) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 2);
            float score = Float.parseFloat(parts[0]);
            return new FieldDoc(Math.max(0, searcher.getIndexReader().maxDoc() - 1), score,
                    new Object[]{score, new BytesRef(parts[1])});
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("next is not a page token of this search", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (target != live) {
                target.close();
            }
            live.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
