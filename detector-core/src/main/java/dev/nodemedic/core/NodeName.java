package dev.nodemedic.core;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which Node this agent speaks for: the config's {@code nodeName}, else {@code NODE_NAME} (the
 * DaemonSet sets it from the downward API, and it is the name kubelet registered), else the host
 * name, which is kubelet's default too.
 */
final class NodeName {
    private NodeName() {
    }

    static String resolve(Optional<String> configured, Map<String, String> env) {
        if (configured.isPresent()) {
            return configured.get();
        }
        String fromEnv = env.get("NODE_NAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            // kubelet lower-cases the host name; so do we, or the two would name different Nodes.
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().toLowerCase();
        } catch (IOException notLinux) {
            try {
                return InetAddress.getLocalHost().getHostName().toLowerCase();
            } catch (IOException e) {
                return "localhost";
            }
        }
    }
}
