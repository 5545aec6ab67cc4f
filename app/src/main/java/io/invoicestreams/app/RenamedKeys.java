package io.invoicestreams.app;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import jakarta.annotation.Priority;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keys renamed when configuration was grouped by feature (ADR 0019). For one release an old key is still read when
 * its new key is not set, with a warning that names the new key; the new key wins when both are set. Registered
 * through {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}, so it also works for environment
 * variables ({@code INVOICE_PROJECTIONS_BATCH_SIZE} still sets {@code invoice.read-models.processing.batch-size}).
 */
@Priority(io.smallrye.config.Priorities.APPLICATION + 100)
public class RenamedKeys implements ConfigSourceInterceptor {

    private static final Logger LOG = Logger.getLogger(RenamedKeys.class);

    /** New key → the old key it replaces. */
    static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("invoice.read-models.create-tables", "invoice.projections.create-tables"),
            Map.entry("invoice.read-models.processing.batch-size", "invoice.projections.batch-size"),
            Map.entry("invoice.read-models.processing.segments", "invoice.projections.segments"),
            Map.entry("invoice.read-models.processing.claim-interval", "invoice.projections.claim-interval"),
            Map.entry("invoice.read-models.totals.table", "invoice.projections.totals-table"),
            Map.entry("invoice.read-models.totals.coalesce", "invoice.projections.coalesce-totals"),
            Map.entry("invoice.read-models.totals.write-concurrency", "invoice.projections.totals-write-concurrency"),
            Map.entry("invoice.read-models.country-verification.table",
                    "invoice.projections.country-verification-table"),
            Map.entry("invoice.source.dynamodb-streams.batch-size", "invoice.stream.batch-size"),
            Map.entry("invoice.source.dynamodb-streams.min-idle-backoff", "invoice.stream.min-idle-backoff"),
            Map.entry("invoice.source.dynamodb-streams.max-idle-backoff", "invoice.stream.max-idle-backoff"),
            Map.entry("invoice.source.dynamodb-streams.max-error-backoff", "invoice.stream.max-error-backoff"),
            Map.entry("invoice.source.dynamodb-streams.shard-refresh-interval",
                    "invoice.stream.shard-refresh-interval"),
            // A fixed pool of shard workers became one virtual thread per shard (issue 14): the key caps the shards.
            Map.entry("invoice.source.dynamodb-streams.max-shards",
                    "invoice.source.dynamodb-streams.max-shard-workers"));

    private static final Map<String, String> OLD_TO_NEW = RENAMED.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        String old = RENAMED.get(name);
        // A value from the mappings' defaults is overridden by a key the operator set under its old name.
        if (old == null || (value != null && !value.isDefault())) {
            return value;
        }
        ConfigValue legacy = context.proceed(old);
        if (legacy == null || legacy.isDefault()) {
            return value;
        }
        if (WARNED.add(old)) {
            LOG.warnf("The configuration key %s is renamed %s; the old name is read for one more release",
                    old, name);
        }
        return legacy.withName(name);
    }

    /** The names as the mappings know them: an old key set in a source shows as its new key. */
    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(n -> names.add(OLD_TO_NEW.getOrDefault(n, n)));
        return names.iterator();
    }
}
