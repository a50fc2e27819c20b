package dev.nodemedic.core;

import dev.nodemedic.core.config.AgentConfigLoader;
import dev.nodemedic.core.plugins.JarTrust;
import dev.nodemedic.daemon.api.AgentConfigFile;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trust the commands that load the plugins folder's jars by themselves ({@code help} and the
 * commands plugins bring: {@code rules test}, NPD's {@code log-counter} and {@code health-checker})
 * give a jar: {@link JarTrust#forCommand} with the agent config's {@code pluginDigests}, so a jar the
 * agent would refuse for its digest runs no code here either. A helper run every few seconds by
 * custom-plugin runs as root, as the agent does.
 *
 * @param agentConfig the agent config whose {@code pluginDigests} apply, when there is one
 */
record PluginCommandTrust(Optional<Path> agentConfig, JarTrust trust) {
    /**
     * The agent config is {@code $NODEMEDIC_CONFIG} ({@link AgentConfigFile#ENVIRONMENT_VARIABLE}: these commands have no
     * {@code --config} of their own, a plugin's take their own arguments), else the installation's {@code config/nodemedic.yaml}
     * when it exists, else none (no digest list, as {@code run} without {@code --config}).
     *
     * @throws ConfigException when that file does not load: its digest list cannot be told, so no jar may be trusted by it
     */
    static PluginCommandTrust of(Path home, Map<String, String> environment) throws ConfigException {
        Optional<Path> file = Optional.ofNullable(environment.get(AgentConfigFile.ENVIRONMENT_VARIABLE)).filter(v -> !v.isBlank()).map(Path::of)
                .or(() -> Optional.of(home.resolve("config/nodemedic.yaml")).filter(Files::isRegularFile));
        return new PluginCommandTrust(file, JarTrust.forCommand(digests(file, home)));
    }

    private static Set<String> digests(Optional<Path> file, Path home) throws ConfigException {
        if (file.isEmpty()) {
            return Set.of();
        }
        String text;
        try {
            text = Files.readString(file.get());
        } catch (IOException e) {
            throw new ConfigException(file.get() + " (the agent config, for its pluginDigests) cannot be read (" + e + ")", e);
        }
        // NPD's helpers start every few seconds and building the binder is most of a short command's
        // work: a file that names the field nowhere but in whole-line comments (as the shipped one
        // does) has no digest list, and is not bound for one.
        if (text.lines().filter(line -> !line.stripLeading().startsWith("#")).noneMatch(line -> line.contains("pluginDigests"))) {
            return Set.of();
        }
        try {
            return Set.copyOf(new AgentConfigLoader(new ConfigBinder()).load(file.get(), text, home).pluginDigests());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.get() + ": " + e.getMessage(), e);
        }
    }

    /** Where a refusal for a digest points the reader: the file to add the digest to. */
    String configNote() {
        return agentConfig.map(f -> "the agent config is " + f + " (set " + AgentConfigFile.ENVIRONMENT_VARIABLE + " to name another)")
                .orElse("no agent config applies (set " + AgentConfigFile.ENVIRONMENT_VARIABLE + " to the agent's, to apply its pluginDigests)");
    }
}
