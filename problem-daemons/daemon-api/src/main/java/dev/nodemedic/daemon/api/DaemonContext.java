package dev.nodemedic.daemon.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;

/**
 * What the agent gives a running daemon instance: its configuration, time, threads, a logger, and
 * the way to report. Every method may be called from any thread.
 */
public interface DaemonContext<C> {

    /** This instance's name, unique on the node; the daemon's {@link ProblemDaemon#name()} by default. */
    String instanceName();

    /** The bound configuration. */
    C config();

    /** The file the configuration came from, to resolve relative paths and name in messages. */
    Optional<Path> configFile();

    /** The only source of time a daemon should read; tests step it by hand. */
    Clock clock();

    /**
     * A scheduler for periodic work, cancelled when the instance stops. A task that throws stops the
     * instance as a failure (see {@link ProblemDaemon#start}).
     */
    ScheduledExecutorService scheduler();

    /**
     * Makes named threads for blocking work (reading a device, following a process). An uncaught
     * exception on one stops the instance as a failure. They are interrupted when the instance stops.
     */
    ThreadFactory threads();

    /** A logger named for this instance. Log transitions, not every observation. */
    System.Logger logger();

    /**
     * Sets one of this instance's conditions (declared by {@link ProblemDaemon#conditions}). Setting
     * the same status, reason and message again changes nothing; its transition time moves only when
     * the status changes.
     *
     * @throws IllegalArgumentException if this instance did not declare {@code type}
     */
    void setCondition(String type, ConditionStatus status, String reason, String message);

    /** Emits an event with this instance's default source, stamped with {@link #clock()}. */
    default void emit(Severity severity, String reason, String message) {
        emit(new Event(defaultEventSource(), severity, reason, message, clock().instant()));
    }

    /** Emits an event. Repeats are aggregated and rate-limited by the reporter, not here. */
    void emit(Event event);

    /** The source of events emitted without one: the daemon's name. */
    String defaultEventSource();

    /**
     * A counter the agent exports to Prometheus as {@code nodemedic_<name>_total}, labelled with this
     * instance's name ({@code daemon}) and {@code labels}; such as {@code lines_read} with
     * {@code source=kmsg}. Get it once, at start: adding to it is cheap enough for a hot path. The
     * default counts nothing, for hosts that export no metrics.
     *
     * @param name   lower_snake_case, without the {@code nodemedic_} prefix and the {@code _total} suffix
     * @param labels lower_snake_case names; a few values each, never one per line or per pid
     * @since 1.1.0
     * @see #counter(String, String, Map) the same with the help Prometheus shows for it, which is better
     */
    default LongConsumer counter(String name, Map<String, String> labels) {
        return added -> {
        };
    }

    /**
     * {@link #counter(String, Map)} with its {@code help}: the {@code # HELP} line of
     * {@code nodemedic_<name>_total}, what an operator reads in Prometheus or on a dashboard; such as
     * {@code lines_read} with "log lines read, per source kind". One name has one help on a node: when
     * instances give differing ones, the first given stays (a counter outlives its start, so a new
     * version of a plugin changes it only with the agent's restart). The default drops the help and
     * asks {@link #counter(String, Map)}, so a host or a test's context that implements only that one
     * still counts.
     *
     * @param help one line saying what the series counts; a blank or multi-line help is refused
     *             ({@code IllegalArgumentException}) by the agent
     * @since 1.6.0
     */
    default LongConsumer counter(String name, String help, Map<String, String> labels) {
        return counter(name, labels);
    }

    /**
     * A gauge the agent exports to Prometheus as {@code nodemedic_<name>}, labelled with this
     * instance's name ({@code daemon}) and {@code labels}: the value last given to it, 0 until then;
     * such as {@code kernel_log_source_up} with {@code source=kmsg}. Get it once, at start; asking
     * again for the same name and labels gives the same gauge. It lives as long as this start of the
     * instance: after a failure the series is gone until the instance runs again (the agent's
     * {@code nodemedic_daemon_up} says 0 meanwhile). The default exports nothing.
     *
     * @param name   lower_snake_case, without the {@code nodemedic_} prefix
     * @param labels lower_snake_case names; a few values each
     * @since 1.3.0
     * @see #gauge(String, String, Map) the same with the help Prometheus shows for it, which is better
     */
    default DoubleConsumer gauge(String name, Map<String, String> labels) {
        return value -> {
        };
    }

    /**
     * {@link #gauge(String, Map)} with its {@code help}: the {@code # HELP} line of
     * {@code nodemedic_<name>}, what an operator reads in Prometheus or on a dashboard; such as
     * {@code kernel_log_source_up} with "1 for the source kind the instance reads, 0 for the others".
     * One name has one help on a node: when instances give differing ones, the first given stays while
     * any of its gauges is exported. The default drops the help and asks {@link #gauge(String, Map)}, so
     * a host or a test's context that implements only that one still works.
     *
     * @param help one line saying what the value means; a blank or multi-line help is refused
     *             ({@code IllegalArgumentException}) by the agent
     * @since 1.6.0
     */
    default DoubleConsumer gauge(String name, String help, Map<String, String> labels) {
        return gauge(name, labels);
    }

    /**
     * Publishes this instance's metric families under their own names (see {@link MetricFamily}),
     * replacing everything it published before: a family or a series left out of {@code families} is
     * gone from the next scrape (a disk detached, an interface deleted). Meant for a collection cycle
     * that reads a whole source at once and publishes what it read. What an instance published leaves
     * {@code /metrics} with the failure or stop of this start. The default exports nothing.
     *
     * @throws IllegalArgumentException if another daemon instance publishes a family of the same name:
     *                                  two owners of one series would overwrite each other's values
     * @since 1.4.0
     */
    default void publishMetrics(List<MetricFamily> families) {
    }

    /**
     * A service the agent already runs and shares with its daemons, looked up by its class, so that a
     * daemon does not start a second one of its own. Today the agent offers {@code io.vertx.core.Vertx}
     * (its one Vert.x instance: a daemon makes its own clients on it and closes them in
     * {@link ProblemDaemon#stop}, but never closes the instance).
     *
     * <p>A daemon that uses one declares that library {@code provided} and must not bundle it: a
     * bundled copy is another class to the JVM, and the lookup then answers empty. An agent that does
     * not offer {@code type} (an older agent, or a test's context) answers empty too, and the daemon
     * should say so in its conditions rather than fail.
     *
     * @since 1.2.0
     */
    default <T> Optional<T> hostService(Class<T> type) {
        return Optional.empty();
    }

    /**
     * The node's systemd journal, which the agent reads once for every daemon that follows it (see
     * {@link Journal}): follow a query from a position, get the entries on a thread the agent gives, and
     * hear when the journal cannot be read. Subscriptions still open when this start of the instance
     * ends are closed by the agent. The default, for a host that shares no journal, answers every
     * subscriber {@code unavailable}.
     *
     * @since 1.5.0
     */
    default Journal journal() {
        return Journal.unavailable("this agent shares no systemd journal with its daemons (it offers daemon-api " + DaemonApi.VERSION + ")");
    }

    /**
     * Reports that this instance cannot go on, from a thread the context does not own (a library's
     * callback, say). Same effect as throwing from {@link ProblemDaemon#start}.
     */
    void fail(Throwable cause);
}
