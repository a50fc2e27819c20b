package dev.nodemedic.apiserver.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A map that forgets its least recently used entry past {@code capacity}, as client-go's groupcache
 * LRU does for every event cache: a node that sees endless distinct messages keeps flat memory.
 * Not thread-safe; its owner locks.
 */
final class LruMap<K, V> {
    private final int capacity;
    private final LinkedHashMap<K, V> entries;

    LruMap(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("an LRU cache needs room for at least one entry, capacity was " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > LruMap.this.capacity;
            }
        };
    }

    Optional<V> get(K key) {
        return Optional.ofNullable(entries.get(key));
    }

    void put(K key, V value) {
        entries.put(key, value);
    }

    Optional<V> remove(K key) {
        return Optional.ofNullable(entries.remove(key));
    }

    int size() {
        return entries.size();
    }
}
