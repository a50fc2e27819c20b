package dev.nodemedic.reporter;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reporter of a node: the {@link ConditionBook} and the exporters that carry its truth and
 * the daemons' events out. Daemons reach it only through their context.
 */
public final class Reporter {
    private static final Logger log = LoggerFactory.getLogger(Reporter.class);
    private final List<Exporter> exporters;
    private final ConditionBook book;
    private final RecentEvents recentEvents;

    public Reporter(List<Exporter> exporters, RecentEvents recentEvents) {
        this.exporters = List.copyOf(exporters);
        this.recentEvents = recentEvents;
        this.book = new ConditionBook(new ExporterFanOut(this.exporters));
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
            try {
                exporter.eventEmitted(owner, event);
            } catch (RuntimeException e) {
                log.error("exporter failed on an event; the other exporters got it exporter={} daemon={} reason={}",
                        exporter.getClass().getSimpleName(), owner, event.reason(), e);
            }
        }
    }

    /**
     * Declares what {@code owner} can report, replacing what it declared before: exporters that show
     * reasons ahead of time (NPD's series at 0) get them. Call it when the owner's conditions are
     * declared.
     */
    public void declareReasons(String owner, List<ReasonDeclaration> reasons) {
        List<ReasonDeclaration> declared = List.copyOf(reasons);
        for (Exporter exporter : exporters) {
            try {
                exporter.reasonsDeclared(owner, declared);
            } catch (RuntimeException e) {
                log.error("exporter failed on declared reasons; the other exporters got them exporter={} daemon={}",
                        exporter.getClass().getSimpleName(), owner, e);
            }
        }
    }

    /**
     * The metric families {@code owner} publishes under their own names, replacing what it published
     * before; an empty list withdraws them (the daemon instance stopped or failed).
     *
     * @throws IllegalArgumentException if another owner publishes a family of the same name: the
     *                                  daemon that asked hears it, as it hears an undeclared condition
     */
    public void publishMetrics(String owner, List<MetricFamily> families) {
        List<MetricFamily> copy = List.copyOf(families);
        for (Exporter exporter : exporters) {
            try {
                exporter.metricsPublished(owner, copy);
            } catch (IllegalArgumentException refused) {
                throw refused;
            } catch (RuntimeException e) {
                log.error("exporter failed on published metrics; the other exporters got them exporter={} daemon={}",
                        exporter.getClass().getSimpleName(), owner, e);
            }
        }
    }

    /** The owner is gone (its plugin removed, a remote daemon unregistered): its conditions leave the book, its reasons the exporters. */
    public void withdraw(String owner) {
        book.withdraw(owner);
        declareReasons(owner, List.of());
        publishMetrics(owner, List.of());
    }
}
