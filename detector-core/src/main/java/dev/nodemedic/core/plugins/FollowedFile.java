package dev.nodemedic.core.plugins;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * A config file followed for reloads, whoever applies its content ({@link ConfigReloads} for a daemon
 * instance's file, {@link AgentConfigReloads} for the agent's): the version that runs, the looks that
 * say when a change has settled, the failed version that is not tried again, and what shows a failure
 * (the refusal on the status page, {@code nodemedic_config_reload_failures_total} and
 * {@code nodemedic_config_last_reload_successful} with the given {@code daemon} label).
 *
 * <p>Used on the supervision thread; only the gauge is read from another.
 */
final class FollowedFile {
    final Path file;
    private final String refusalKey;
    private final Refusals refusals;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter failures;
    private final Gauge successful;
    private ConfigFileVersion applied;
    /** What the file resolved to at the previous look. */
    private Optional<ConfigFileVersion.Stamp> lastLook;
    /** Read by the metrics scrape, on another thread. */
    private volatile Optional<Failure> failure = Optional.empty();

    /**
     * @param applied    the version that runs now
     * @param refusalKey what the status page lists a failure under: what to fix, one entry per follower
     */
    FollowedFile(Path file, ConfigFileVersion applied, String metricsLabel, String refusalKey, Refusals refusals, MeterRegistry registry,
            Clock clock) {
        this.file = file;
        this.applied = applied;
        this.lastLook = Optional.of(applied.stamp());
        this.refusalKey = refusalKey;
        this.refusals = refusals;
        this.registry = registry;
        this.clock = clock;
        this.failures = Counter.builder("nodemedic_config_reload_failures")
                .description("changes of the daemon instance's config file that did not bind, so it kept its previous config")
                .tag("daemon", metricsLabel).register(registry);
        this.successful = Gauge.builder("nodemedic_config_last_reload_successful", this, f -> f.failure.isEmpty() ? 1 : 0)
                .description("1 while the daemon instance runs on what its config file holds, 0 while it keeps an older config because"
                        + " the file's new content does not bind")
                .tag("daemon", metricsLabel).register(registry);
    }

    /**
     * Looks at the file once: whether it now holds something to read, neither the version that runs nor
     * the one that failed last. As for jars, only once it looked the same at two looks, so a file written
     * in place is not read half-written (a ConfigMap update is atomic; it waits one look more for it).
     */
    boolean changed() {
        Optional<ConfigFileVersion.Stamp> stamp = stampOf(file);
        boolean settled = stamp.equals(lastLook);
        lastLook = stamp;
        return settled && !stamp.equals(Optional.of(applied.stamp())) && !failure.map(f -> f.stamp().equals(stamp)).orElse(false);
    }

    /** The version that runs. */
    ConfigFileVersion applied() {
        return applied;
    }

    /**
     * What runs is now what the file holds: {@code version} was applied, or has the digest of what runs.
     *
     * @return whether a failure was cleared by it (the follower logs that)
     */
    boolean applied(ConfigFileVersion version) {
        applied = version;
        if (failure.isEmpty()) {
            return false;
        }
        failure = Optional.empty();
        refusals.forget(refusalKey);
        return true;
    }

    /**
     * What the file held at the last look did not apply; that version is not tried again.
     *
     * @param why     the error, compared with the previous failure's
     * @param refusal what the status page says, once per distinct error
     */
    void failed(String why, String refusal) {
        boolean sameError = failure.map(f -> f.why().equals(why)).orElse(false);
        failure = Optional.of(new Failure(lastLook, why));
        if (!sameError) {
            // Refusals logs the warning: once per distinct error, however often the file is rewritten with it.
            refusals.forget(refusalKey);
            refusals.refuse(refusalKey, refusal, clock.instant());
        }
        // Counted last: whoever sees the count (a scrape, a test) finds the refusal on the status page too.
        failures.increment();
    }

    /** Stops following: the metrics go, and so does a failure still listed. */
    void close() {
        registry.remove(failures);
        registry.remove(successful);
        if (failure.isPresent()) {
            refusals.forget(refusalKey);
        }
    }

    /** Empty when the file cannot be looked at: reading it then says why. */
    private static Optional<ConfigFileVersion.Stamp> stampOf(Path file) {
        try {
            return ConfigFileVersion.Stamp.of(file);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @param stamp what the file resolved to when it failed (empty: it was not there) */
    private record Failure(Optional<ConfigFileVersion.Stamp> stamp, String why) {
    }
}
