package io.invoicestreams.adapters.eventstore;

import java.util.Map;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;

/**
 * A bounded least-recently-used cache of Invoice aggregates, so a busy invoice is not re-read and re-sourced from
 * the event store for every stream batch. It supports {@link #removeAll()}, which the stream ingestion calls after
 * any failed batch: Axon evicts an entry only when its unit of work rolls back, while our JDBC transaction can still
 * roll back after a unit of work committed. A stale entry cannot write either way: its next event would take a
 * sequence number the store already holds, and the store refuses it.
 */
public final class BoundedAggregateCache implements Cache {

    private final Map<Object, Object> entries;

    public BoundedAggregateCache(int maxEntries) {
        this.entries = LeastRecentlyUsed.map(maxEntries, "aggregate cache");
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <K, V> V get(K key) {
        return (V) entries.get(key);
    }

    @Override
    public synchronized void put(Object key, Object value) {
        entries.put(key, value);
    }

    @Override
    public synchronized boolean putIfAbsent(Object key, Object value) {
        return entries.putIfAbsent(key, value) == null;
    }

    @Override
    public synchronized boolean remove(Object key) {
        return entries.remove(key) != null;
    }

    @Override
    public synchronized void removeAll() {
        entries.clear();
    }

    @Override
    public synchronized boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Nothing listens to aggregate cache entries; registrations are accepted and ignored. */
    @Override
    public Registration registerCacheEntryListener(EntryListener cacheEntryListener) {
        return () -> true;
    }
}
