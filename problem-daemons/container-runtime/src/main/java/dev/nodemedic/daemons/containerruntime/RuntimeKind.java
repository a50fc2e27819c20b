package dev.nodemedic.daemons.containerruntime;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which runtime a socket belongs to, told by its path (the runtime's own name comes later, from
 * Version). It gives the reason for ContainerRuntimeUnhealthy and the systemd unit whose restarts are
 * counted. NPD's names are kept: {@code ContainerdUnhealthy} and {@code DockerUnhealthy} from its
 * health-checker configs, {@code FrequentContainerdRestart} and {@code FrequentDockerRestart} from
 * {@code systemd-monitor-counter.json}; CRI-O's are ours, made the same way.
 */
enum RuntimeKind {
    CONTAINERD("containerd", "ContainerdUnhealthy",
            new RestartCondition("containerd", "FrequentContainerdRestart", "NoFrequentContainerdRestart", "containerd is functioning properly")),
    CRIO("cri-o", "CrioUnhealthy",
            new RestartCondition("crio", "FrequentCrioRestart", "NoFrequentCrioRestart", "cri-o is functioning properly")),
    // cri-dockerd is the CRI shim in front of Docker Engine: it is docker whose restarts matter.
    DOCKER("cri-dockerd", "DockerUnhealthy",
            new RestartCondition("docker", "FrequentDockerRestart", "NoFrequentDockerRestart", "docker is functioning properly")),
    /** A socket path that names none of the above: health is checked, restarts are not counted. */
    OTHER("container runtime", "ContainerRuntimeUnhealthy", null);

    /** The condition for frequent restarts of the runtime's systemd unit, with NPD's healthy reason and message. */
    record RestartCondition(String unit, String type, String healthyReason, String healthyMessage) {
    }

    private final String displayName;
    private final String unhealthyReason;
    private final RestartCondition restarts;

    RuntimeKind(String displayName, String unhealthyReason, RestartCondition restarts) {
        this.displayName = displayName;
        this.unhealthyReason = unhealthyReason;
        this.restarts = restarts;
    }

    static RuntimeKind of(Path socket) {
        String path = socket.toString();
        if (path.contains("containerd.sock")) {
            return CONTAINERD;
        }
        if (path.contains("crio")) {
            return CRIO;
        }
        if (path.contains("dockerd") || path.contains("dockershim")) {
            return DOCKER;
        }
        return OTHER;
    }

    /** How messages name it before it has answered Version. */
    String displayName() {
        return displayName;
    }

    String unhealthyReason() {
        return unhealthyReason;
    }

    Optional<RestartCondition> restarts() {
        return Optional.ofNullable(restarts);
    }
}
