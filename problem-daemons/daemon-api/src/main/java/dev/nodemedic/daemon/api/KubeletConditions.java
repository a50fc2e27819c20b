package dev.nodemedic.daemon.api;

import java.util.Set;

/** The node condition types kubelet writes. Two writers of one condition would fight; no daemon may claim these. */
public final class KubeletConditions {
    public static final Set<String> OWNED = Set.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable");

    private KubeletConditions() {
    }
}
