package dev.nodemedic.reporter;

import dev.nodemedic.daemon.api.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last few events, newest first, for the status page. Bounded: older ones fall off. */
public final class RecentEvents {
    /** One owned event. */
    public record Entry(String owner, Event event) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries;

    public RecentEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(capacity);
    }

    public synchronized void add(String owner, Event event) {
        if (entries.size() == capacity) {
            entries.removeLast();
        }
        entries.addFirst(new Entry(owner, event));
    }

    public synchronized List<Entry> newestFirst() {
        return List.copyOf(new ArrayList<>(entries));
    }
}
