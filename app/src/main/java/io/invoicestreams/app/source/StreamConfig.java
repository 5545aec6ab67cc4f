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

    /** First wait after a poll that found nothing. */
    @WithDefault("50ms")
    Duration minIdleBackoff();

    /** Longest wait between polls of an idle shard; bounds the delay from a change to its events. */
    @WithDefault("500ms")
    Duration maxIdleBackoff();

    /** Longest wait after a failing call or batch (capped exponential backoff with jitter). */
    @WithDefault("20s")
    Duration maxErrorBackoff();

    /** How often the shard list and the table's stream ARN are checked. */
    @WithDefault("5s")
    Duration shardRefreshInterval();

    /** Shards read at once by this instance. */
    @WithDefault("8")
    int maxShardWorkers();
}
