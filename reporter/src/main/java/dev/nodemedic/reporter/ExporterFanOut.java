package dev.nodemedic.reporter;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every change of the book to every exporter. It runs under the book's lock: one exporter's bug
 * must neither keep the change from the others nor reach the daemon that set the condition.
 */
final class ExporterFanOut implements BookListener {
    private static final Logger log = LoggerFactory.getLogger(ExporterFanOut.class);
    private final List<Exporter> exporters;

    ExporterFanOut(List<Exporter> exporters) {
        this.exporters = List.copyOf(exporters);
    }

    @Override
    public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
        for (Exporter exporter : exporters) {
            try {
                exporter.conditionsChanged(previous, snapshot);
            } catch (RuntimeException e) {
                log.error("exporter failed on a condition change; the other exporters got it exporter={} version={}",
                        exporter.getClass().getSimpleName(), snapshot.version(), e);
            }
        }
    }
}
