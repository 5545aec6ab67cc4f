package io.invoicestreams.app.search;

import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.search.LuceneSearchIndex;
import io.invoicestreams.adapters.search.OpenSearchSearchIndex;
import io.invoicestreams.app.Closing;
import io.invoicestreams.app.CoreAssembly.DataDir;
import io.invoicestreams.app.readmodel.ReadModelBinding;
import io.invoicestreams.app.readmodel.ReadModels;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchProjection;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Full-text search over InvoiceDoc: Lucene in the JVM by default, or OpenSearch. A rebuild folds the history in memory,
 * fills a new index generation beside the one searches read and swaps it in (ADR 0012, ADR 0022).
 */
// A native image keeps the read model's handler, which Axon calls reflectively.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = SearchProjection.class)
@Singleton
public class SearchAssembly {

    private static final Logger LOG = Logger.getLogger(SearchAssembly.class);

    private static OpenSearchSearchIndex.Access access(SearchConfig.OpenSearch o) {
        String key = "invoice.search.opensearch.";
        return switch (o.auth()) {
            case NONE -> new OpenSearchSearchIndex.Access.None();
            case BASIC -> new OpenSearchSearchIndex.Access.Basic(
                    o.user().filter(u -> !u.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                            key + "auth=basic needs " + key + "user")),
                    o.password().filter(p -> !p.isEmpty()).orElseThrow(() -> new IllegalArgumentException(
                            key + "auth=basic needs " + key + "password (INVOICE_SEARCH_OPENSEARCH_PASSWORD)")));
            case AWS_SIGV4 -> {
                software.amazon.awssdk.regions.Region region = o.region().filter(r -> !r.isBlank())
                        .map(software.amazon.awssdk.regions.Region::of)
                        .orElseGet(() -> new software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain()
                                .getRegion());
                try {
                    yield new OpenSearchSearchIndex.Access.SigV4(region, o.signingService(), null);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + "signing-service: " + e.getMessage(), e);
                }
            }
        };
    }

    private static OpenSearchSearchIndex.Layout layout(SearchConfig.OpenSearch o) {
        try {
            return new OpenSearchSearchIndex.Layout(o.shards(), o.replicas());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invoice.search.opensearch.shards and .replicas: " + e.getMessage(), e);
        }
    }

    private static java.time.Duration searchTimeout(SearchConfig search) {
        if (!search.timeout().isPositive()) {
            throw new IllegalArgumentException("invoice.search.timeout must be positive, was " + search.timeout());
        }
        return search.timeout();
    }

    /** The search engine of the configuration; OpenSearch without an endpoint stops the start-up. */
    public static SearchIndex index(SearchConfig search, Path data) {
        return switch (search.engine()) {
            case LUCENE -> new LuceneSearchIndex(search.luceneDir().filter(d -> !d.isBlank()).map(Path::of)
                    .orElse(data.resolve("search"))).searchTimeout(searchTimeout(search));
            case OPENSEARCH -> new OpenSearchSearchIndex(search.opensearch().endpoint().orElseThrow(() ->
                    new IllegalArgumentException("invoice.search.engine=opensearch needs"
                            + " invoice.search.opensearch.endpoint")), search.opensearch().index(),
                    access(search.opensearch()), layout(search.opensearch()), search.opensearch().callTimeout());
        };
    }

    @Produces
    @Singleton
    SearchIndex searchIndex(SearchConfig config, DataDir data) {
        return index(config, data.path());
    }

    void close(@Disposes SearchIndex index) {
        if (index instanceof AutoCloseable closeable) {
            Closing.close(closeable);
        }
    }

    @Produces
    @Singleton
    ReadModelBinding readModel(SearchIndex index, SearchConfig config) {
        return ReadModelBinding.of(ReadModels.SEARCH.model(), new SearchProjection(index),
                new Swap(index, config.engine() == SearchConfig.SearchEngine.LUCENE));
    }

    /**
     * Rebuilds the index by folding the history into a new generation (ADR 0022). A replay in place that an older
     * version started goes on at start-up and is swapped in once it has caught up; a generation that a fold was
     * filling when the process stopped is dropped, and the rebuild's row has another node (or this one) run it again.
     */
    private record Swap(SearchIndex index, boolean inThisNode) implements ReadModelBinding.Hooks {
        @Override
        public java.util.Optional<String> partInThisNode() {
            return inThisNode ? java.util.Optional.of("the Lucene search index (invoice.search.engine=opensearch)")
                    : java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<io.invoicestreams.projections.Fold> newFold() {
            return java.util.Optional.of(SearchProjection.fold(index));
        }

        @Override
        public void started(ProjectionControl control) {
            if (!index.rebuilding()) {
                return;
            }
            if (control.status(SearchProjection.NAME).replaying()) {
                LOG.infof("A rebuild of the search index was under way; it goes on, and the new index is swapped in"
                        + " when it has caught up");
                rebuildStarted(control);
            } else {
                index.abandonRebuild();
                LOG.infof("A rebuild of the search index stopped while it filled its new index; that index is dropped,"
                        + " and the rebuild runs again from its start");
            }
        }

        @Override
        public void rebuildStarted(ProjectionControl control) {
            Thread.ofVirtual().name("search-rebuild-swap").start(() -> {
                if (control.awaitCaughtUp(SearchProjection.NAME, Duration.ofDays(7), Duration.ofSeconds(1),
                        p -> { })) {
                    rebuildCaughtUp();
                }
            });
        }

        @Override
        public synchronized void rebuildCaughtUp() {
            if (index.rebuilding()) {
                index.completeRebuild();
                LOG.infof("The rebuilt search index is now the one searches read");
            }
        }
    }
}
