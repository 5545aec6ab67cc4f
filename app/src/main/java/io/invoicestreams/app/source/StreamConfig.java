package io.invoicestreams.app.source;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the DynamoDB stream is polled. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.source.dynamodb-streams")
public interface StreamConfig {
    /** Records per GetRecords call, 1 to 1000; one batch is one transaction. */
    @WithDefault("1000")
    int batchSize();

    /** First wait after a poll that found nothing; a poll that finds records is followed by the next at once. */
    @WithDefault("20ms")
    Duration minIdleBackoff();

    /**
     * Longest wait between polls of an idle shard; bounds the delay from a change to its events. Each poll of an
     * idle shard is one GetRecords call (billed as a streams read request on AWS); raise it to poll less.
     */
    @WithDefault("100ms")
    Duration maxIdleBackoff();

    /** Longest wait after a failing call or batch (capped exponential backoff with jitter). */
    @WithDefault("20s")
    Duration maxErrorBackoff();

    /** How often the shard list and the table's stream ARN are checked. */
    @WithDefault("5s")
    Duration shardRefreshInterval();

    /** The most shards this node reads at once, on top of its fair share; no limit when unset. */
    java.util.Optional<Integer> maxShards();
}
