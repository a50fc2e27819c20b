package dev.nodemedic.daemons.systemstats;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the node's {@code /proc}, {@code /sys} and {@code /etc} are seen from the agent. On a node
 * they are the agent's own; in a pod the DaemonSet mounts the host's read-only (at {@code /host/proc},
 * {@code /host/sys}, {@code /host/etc}) and says so with {@code HOST_PROC}, {@code HOST_SYS} and
 * {@code HOST_ETC}: the variables NPD's collectors (gopsutil) read, so an NPD DaemonSet's settings carry over.
 */
record HostPaths(Path proc, Path sys, Path etc) {

    /** From the environment, with NPD's {@code procPath} from the config file taking precedence for {@code /proc}. */
    static HostPaths of(Map<String, String> environment, Optional<Path> procPath) {
        Path proc = procPath.orElseGet(() -> Path.of(environment.getOrDefault("HOST_PROC", "/proc")));
        return new HostPaths(proc, Path.of(environment.getOrDefault("HOST_SYS", "/sys")), Path.of(environment.getOrDefault("HOST_ETC", "/etc")));
    }
}
