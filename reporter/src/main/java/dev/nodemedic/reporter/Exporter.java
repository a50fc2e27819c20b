package dev.nodemedic.reporter;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import java.util.List;

/**
 * Where the reporter's truth goes: the API server, the log, metrics. Every method is called on the
 * caller's thread (a reporting daemon's, or the agent's supervision loop) and must return at once;
 * an exporter that does I/O hands the work to its own thread and, for conditions, keeps only the
 * newest snapshot (never a queue of states).
 */
public interface Exporter extends BookListener {

    /** A daemon instance emitted an event. */
    void eventEmitted(String owner, Event event);

    /**
     * What daemon instance {@code owner} can report, declared before it runs ({@code ProblemDaemon.reasons});
     * it replaces what {@code owner} declared before, and is empty when the owner goes. Only exporters
     * that show a reason before it happens (metrics) need it.
     */
    default void reasonsDeclared(String owner, List<ReasonDeclaration> reasons) {
    }

    /**
     * The metric families daemon instance {@code owner} publishes under their own names
     * ({@code DaemonContext.publishMetrics}), replacing what it published before; empty when the owner
     * stops or goes. Only a metrics exporter needs it.
     *
     * @throws IllegalArgumentException if another owner publishes a family of the same name
     */
    default void metricsPublished(String owner, List<MetricFamily> families) {
    }
}
