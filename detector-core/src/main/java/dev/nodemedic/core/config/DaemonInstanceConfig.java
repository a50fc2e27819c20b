package dev.nodemedic.core.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One instance of a daemon, as NPD runs one log monitor per config file.
 *
 * @param daemon  the daemon's name, as its plugin declares it ({@code kernel-log})
 * @param name    this instance's name, unique on the node; the daemon's name by default
 * @param config  its config file (YAML, or NPD's JSON); relative to the agent config's folder
 * @param enabled false to keep a daemon whose jar is in the plugins folder from running
 */
public record DaemonInstanceConfig(String daemon, String name, Path config, Boolean enabled) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    public DaemonInstanceConfig {
        if (daemon == null || daemon.isBlank()) {
            throw new IllegalArgumentException("daemon must name a daemon (such as kernel-log)");
        }
        if (name != null && !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name \"" + name + "\" must be lower-case letters, digits and '-' (such as kernel-monitor)");
        }
        enabled = enabled == null ? Boolean.TRUE : enabled;
    }

    public String instanceName() {
        return name == null ? daemon : name;
    }

    public Optional<Path> configFile() {
        return Optional.ofNullable(config);
    }
}
