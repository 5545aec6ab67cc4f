package io.invoicestreams.app.search;

import io.invoicestreams.adapters.search.OpenSearchSearchIndex;
import io.invoicestreams.app.BoundedProbe;
import io.invoicestreams.projections.search.SearchIndex;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Ready only while the OpenSearch cluster answers a ping within {@link BoundedProbe#WAIT}: search results and the
 * search read model depend on it. A Lucene index lives in this process and is always up. Anyone may ask; the reason is
 * logged (once per change of state), since it may name the cluster's host.
 */
@Readiness
@ApplicationScoped
public class SearchHealth implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(SearchHealth.class);

    private final SearchConfig config;
    private final Instance<SearchIndex> index;
    private final BoundedProbe probe = new BoundedProbe("OpenSearch", this::problem);
    private volatile Optional<String> last = Optional.empty();

    SearchHealth(SearchConfig config, Instance<SearchIndex> index) {
        this.config = config;
        this.index = index;
    }

    @Override
    public HealthCheckResponse call() {
        if (config.engine() != SearchConfig.SearchEngine.OPENSEARCH) {
            return HealthCheckResponse.named("search").withData("engine", "lucene").up().build();
        }
        Optional<String> problem = probe.problem();
        if (!problem.equals(last)) {
            if (problem.isPresent()) {
                LOG.warnf("search is not ready: %s", problem.get());
            } else {
                LOG.info("search is ready again: OpenSearch answers");
            }
            last = problem;
        }
        return HealthCheckResponse.named("search").withData("engine", "opensearch").status(problem.isEmpty()).build();
    }

    private Optional<String> problem() {
        return index.get() instanceof OpenSearchSearchIndex openSearch ? openSearch.unreachable() : Optional.empty();
    }
}
