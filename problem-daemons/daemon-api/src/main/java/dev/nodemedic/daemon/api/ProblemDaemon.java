package dev.nodemedic.daemon.api;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A problem daemon: watches one aspect of the node and reports conditions and events through its
 * {@link DaemonContext}. It never talks to Kubernetes; the agent's reporter does that.
 *
 * <p>A daemon is a class annotated with PF4J's {@code @Extension} in a plugin jar. The agent makes
 * one object per configured instance (so the class needs a public no-argument constructor), binds
 * the instance's config file into {@link #configType()}, asks which conditions it owns and which
 * reasons it can report, then calls {@link #start} once and {@link #stop} once. After a failure the
 * agent discards the object and makes a new one, so a daemon keeps no state across restarts.
 *
 * @param <C> the daemon's configuration, usually a record; {@link NoConfig} when it has none
 */
public interface ProblemDaemon<C> extends ExtensionPoint {

    /**
     * The daemon's name, such as {@code kernel-log}: lower-case words joined by {@code -}. The agent
     * config refers to the daemon by it; it is the name of the default instance and the default
     * source of its events.
     */
    String name();

    /**
     * The type the agent binds this daemon's config file into. Fields are matched by name and an
     * unknown field is a config error. A field absent from the file arrives as {@code null} (or
     * {@code 0}/{@code false}): apply defaults in the record's compact constructor, and throw
     * {@link IllegalArgumentException} with a message naming the field for a bad value, which the
     * agent reports with the file and line. When an instance has no config file, it is bound from
     * an empty object, so every field must have a default.
     *
     * <p>Durations are written in Go's syntax ({@code 90s}, {@code 5m}, {@code 1h30m}) or ISO-8601
     * and bind to {@link java.time.Duration}.
     */
    Class<C> configType();

    /**
     * The condition types this instance owns, each with its healthy default. Called after the config
     * is bound and before {@link #start}. A type owned by another daemon or by kubelet
     * ({@link ConditionDeclaration#KUBELET_TYPES}) is refused, and this instance is not started.
     */
    List<ConditionDeclaration> conditions(C config);

    /**
     * The reasons this instance can report: each event's reason, and each reason one of its conditions
     * takes while True. Called after {@link #conditions}, before {@link #start}. The agent's metrics show
     * each one at 0 from the start, as NPD's do for its rules, so an alert on the first increase fires;
     * when the plugin is removed its series go, unless they counted something. A condition type named
     * here must be one of {@link #conditions}, or this instance is not started.
     *
     * <p>A reason reported without being declared still counts; its series just appears with it. The
     * default declares none.
     *
     * @since 1.3.0
     */
    default List<ReasonDeclaration> reasons(C config) {
        return List.of();
    }

    /**
     * Starts watching. Returns quickly: long-running work goes on the context's
     * {@link DaemonContext#threads() threads} or {@link DaemonContext#scheduler() scheduler}. An
     * exception thrown here, from a task of the context, or passed to {@link DaemonContext#fail}
     * stops this instance: its conditions become {@code Unknown} with the exception's message, and it
     * is started again (as a new object) with exponential backoff.
     */
    void start(DaemonContext<C> context) throws Exception;

    /**
     * Stops watching and releases what {@link #start} opened. The agent waits a few seconds at most;
     * a daemon that does not return by then is abandoned and reported as hung. Tasks on the context's
     * scheduler are cancelled and its threads interrupted after this returns.
     */
    void stop() throws Exception;
}
