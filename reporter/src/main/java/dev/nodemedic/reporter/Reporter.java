package dev.nodemedic.reporter;

import dev.nodemedic.daemon.api.Event;
import java.util.List;

/**
 * The one reporter of a node: the {@link ConditionBook} and the exporters that carry its truth and
 * the daemons' events out. Daemons reach it only through their context.
 */
public final class Reporter {
    private final List<Exporter> exporters;
    private final ConditionBook book;
    private final RecentEvents recentEvents;

    public Reporter(List<Exporter> exporters, RecentEvents recentEvents) {
        this.exporters = List.copyOf(exporters);
        this.recentEvents = recentEvents;
        this.book = new ConditionBook(this::conditionsChanged);
    }

    public ConditionBook book() {
        return book;
    }

    public RecentEvents recentEvents() {
        return recentEvents;
    }

    public void emit(String owner, Event event) {
        recentEvents.add(owner, event);
        for (Exporter exporter : exporters) {
            exporter.eventEmitted(owner, event);
        }
    }

    private void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
        for (Exporter exporter : exporters) {
            exporter.conditionsChanged(previous, snapshot);
        }
    }
}
