package io.invoicestreams.app.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * What one query of the archive may use: {@code /analytics} and {@code query --sql}. A query over its limits is
 * refused with 503, and the service goes on answering. The README's configuration table lists the same keys.
 */
@ConfigMapping(prefix = "invoice.analytics")
public interface AnalyticsConfig {

    /** The most days one {@code /analytics} request may cover. */
    @WithDefault("366")
    int maxDays();

    /** DuckDB's memory per query, such as 512MB or 2GB. */
    @WithDefault("512MB")
    String memoryLimit();

    /** DuckDB's threads per query. */
    @WithDefault("1")
    int threads();

    /** The longest a query may run, loading its days included, before it is cancelled. */
    @WithDefault("30s")
    Duration timeout();

    /** Queries at once; one more is refused at once. */
    @WithDefault("2")
    int maxConcurrent();
}
