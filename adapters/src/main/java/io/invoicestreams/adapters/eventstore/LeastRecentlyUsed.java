package io.invoicestreams.adapters.eventstore;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map in access order that drops its least recently used entry beyond a size; not thread-safe. */
final class LeastRecentlyUsed {

    private LeastRecentlyUsed() {
    }

    static <K, V> Map<K, V> map(int maxEntries, String what) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException(what + " size must be at least 1, was " + maxEntries);
        }
        return new LinkedHashMap<>(Math.min(maxEntries, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > maxEntries;
            }
        };
    }
}
