package dev.nodemedic.core.config;

import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the agent config and makes its paths absolute: relative ones are taken from the config
 * file's folder, or from the distribution's home when there is no file, so the agent behaves the
 * same whatever folder it is started from.
 */
public final class AgentConfigLoader {
    private final ConfigBinder binder;

    public AgentConfigLoader(ConfigBinder binder) {
        this.binder = binder;
    }

    public AgentConfig load(Optional<Path> file, Path home) throws ConfigException {
        return absolute(file.isPresent() ? binder.bind(file.get(), AgentConfig.class) : AgentConfig.defaults(), file, home);
    }

    /** The agent config {@code file} holds as {@code text}, already read: what was read is what is bound, with no second read between. */
    public AgentConfig load(Path file, String text, Path home) throws ConfigException {
        return absolute(binder.bind(file.toString(), text, AgentConfig.class), Optional.of(file), home);
    }

    private static AgentConfig absolute(AgentConfig raw, Optional<Path> file, Path home) {
        Path base = file.map(f -> f.toAbsolutePath().getParent()).orElse(home.toAbsolutePath());
        AgentConfig.KubernetesConfig kubernetes = new AgentConfig.KubernetesConfig(
                raw.kubernetes().kubeconfigFile().map(k -> base.resolve(k).normalize()).orElse(null), raw.kubernetes().heartbeat());
        return new AgentConfig(raw.nodeName(), base.resolve(raw.pluginsDir()).normalize(), base.resolve(raw.configDir()).normalize(),
                raw.status(), raw.metrics(), kubernetes,
                raw.daemons().stream()
                        .map(d -> new DaemonInstanceConfig(d.daemon(), d.name(), d.config() == null ? null : base.resolve(d.config()).normalize(), d.enabled()))
                        .toList(),
                raw.supervision(), raw.report().socketFile().map(s -> raw.report().withSocket(base.resolve(s).normalize())).orElse(raw.report()),
                raw.onlyListedDaemons(), raw.pluginDigests());
    }
}
