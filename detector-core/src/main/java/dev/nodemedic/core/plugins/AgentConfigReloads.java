package dev.nodemedic.core.plugins;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.daemon.api.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the agent config file ({@code --config}) when its content changes, as {@link ConfigReloads}
 * does for a daemon instance's file: the same look once a second, the same two equal looks, the same
 * digest. What the daemons list says ({@code daemons}, {@code onlyListedDaemons}, {@code configDir})
 * takes effect at once; what was wired at start (servers, the API client, the report socket, the
 * plugins folder and its trust, the node name, supervision bounds) is logged once as needing a
 * restart and otherwise ignored. A file that does not load leaves the agent on the config it has,
 * listed under the refusals and in the reload metrics with {@code daemon="agent-config"}.
 *
 * <p>Runs on the supervision thread.
 */
public final class AgentConfigReloads {
    /** The {@code daemon} label of the reload metrics for the agent config. */
    public static final String METRICS_LABEL = "agent-config";
    private static final Logger log = LoggerFactory.getLogger(AgentConfigReloads.class);

    /** Binds the agent config file's text and applies the command line over it, as the start did: the same flags give the same effective config. */
    @FunctionalInterface
    public interface Source {
        /**
         * @param text the file's content, read once: the bytes whose digest says it changed are the bytes bound
         * @throws ConfigException (or IllegalArgumentException from a flag) naming the file, line and field at fault
         */
        AgentConfig read(String text) throws ConfigException;
    }

    /**
     * The agent config file to follow and how to read it into an effective config.
     *
     * @param started what the file held when the agent's config was bound from it: a later change is told from that
     */
    public record Watch(Path file, ConfigFileVersion started, Source source) {
        /** Reads the file once, binding what was read: the config to start with and the watch of its file. */
        public static Start start(Path file, Source source) throws ConfigException {
            ConfigFileVersion.Read read = ConfigFileVersion.read(file);
            return new Start(source.read(read.text()), new Watch(file, read.version(), source));
        }
    }

    /** The effective config the agent starts with, and the watch of the file it came from. */
    public record Start(AgentConfig config, Watch watch) {
    }

    private final Path file;
    private final Source source;
    private final AgentConfig started;
    private final PluginsReconciler reconciler;
    private final FollowedFile followed;
    private final Map<String, Object> restartLogged = new HashMap<>();

    /**
     * @param started the effective config the agent started with; its restart-only fields stay in force
     */
    public AgentConfigReloads(Watch watch, AgentConfig started, PluginsReconciler reconciler, Refusals refusals, MeterRegistry registry,
            Clock clock) {
        this.file = watch.file();
        this.source = watch.source();
        this.started = started;
        this.reconciler = reconciler;
        this.followed = new FollowedFile(file, watch.started(), METRICS_LABEL, file + " (agent config)", refusals, registry, clock);
    }

    /** Looks at the file once and applies its content when it changed and looked the same twice. */
    public void reloadIfChanged() {
        if (!followed.changed()) {
            return;
        }
        ConfigFileVersion version;
        AgentConfig next;
        try {
            // One read: what the digest is taken of is what is bound. A write after it is a new stamp, seen at the next look.
            ConfigFileVersion.Read read = ConfigFileVersion.read(file);
            version = read.version();
            if (version.digest().equals(followed.applied().digest())) {
                succeeded(version);
                return;
            }
            next = source.read(read.text());
        } catch (ConfigException | IllegalArgumentException e) {
            followed.failed(e.getMessage(), "the agent keeps running on its previous config: " + e.getMessage() + "; fix the file and it is read again");
            return;
        }
        logRestartOnly(next);
        reconciler.replan(reloadable(next));
        log.info("agent config reloaded file={} daemons={}", file, next.daemons().size());
        succeeded(version);
    }

    /** The new daemons list over what was wired at start. */
    private AgentConfig reloadable(AgentConfig next) {
        return new AgentConfig(started.nodeName(), started.pluginsDir(), next.configDir(), started.status(), started.metrics(), started.kubernetes(),
                next.daemons(), started.supervision(), started.report(), next.onlyListedDaemons(), started.pluginDigests());
    }

    /** Once per field and value: a file left as it is does not repeat the line at every reload. */
    private void logRestartOnly(AgentConfig next) {
        Map<String, Object[]> fields = new LinkedHashMap<>();
        fields.put("nodeName", new Object[] {started.nodeName(), next.nodeName()});
        fields.put("pluginsDir", new Object[] {started.pluginsDir(), next.pluginsDir()});
        fields.put("pluginDigests", new Object[] {started.pluginDigests(), next.pluginDigests()});
        fields.put("status", new Object[] {started.status(), next.status()});
        fields.put("metrics", new Object[] {started.metrics(), next.metrics()});
        fields.put("kubernetes", new Object[] {started.kubernetes(), next.kubernetes()});
        fields.put("supervision", new Object[] {started.supervision(), next.supervision()});
        fields.put("report", new Object[] {started.report(), next.report()});
        fields.forEach((field, values) -> {
            if (!Objects.equals(values[0], values[1]) && !Objects.equals(restartLogged.get(field), values[1])) {
                restartLogged.put(field, values[1]);
                log.warn("agent config field changed, needs a restart field={} file={} running={} new={}", field, file, values[0], values[1]);
            }
        });
    }

    private void succeeded(ConfigFileVersion version) {
        if (followed.applied(version)) {
            log.info("agent config reload failure cleared file={}", file);
        }
    }
}
