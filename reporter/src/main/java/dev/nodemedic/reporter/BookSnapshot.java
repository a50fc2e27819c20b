package dev.nodemedic.reporter;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Collections;

/**
 * The book at one moment: immutable, so exporters and the status page read it without a lock.
 *
 * @param version    grows by one with every change, so an exporter can tell it has seen this one
 * @param conditions by condition type, in type order
 */
public record BookSnapshot(long version, SortedMap<String, OwnedCondition> conditions) {
    public static final BookSnapshot EMPTY = new BookSnapshot(0, new TreeMap<>());

    public BookSnapshot {
        conditions = Collections.unmodifiableSortedMap(new TreeMap<>(conditions));
    }

    public Optional<OwnedCondition> get(String type) {
        return Optional.ofNullable(conditions.get(type));
    }

    public Collection<OwnedCondition> all() {
        return conditions.values();
    }

    BookSnapshot with(Map<String, OwnedCondition> next) {
        return new BookSnapshot(version + 1, new TreeMap<>(next));
    }
}
