package dev.nodemedic.remedy.runtime;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code nodemedic-remedy run} was told.
 *
 * @param kubeconfig  the API server's kubeconfig; empty: the in-cluster service account, else {@code KUBECONFIG}, else {@code ~/.kube/config}
 * @param paused      every policy holds: no action, no undo
 * @param dryRun      every policy runs as if it said {@code dryRun: true}
 * @param maxInFlight nodes carrying a remedy at once across all policies; empty: only each policy's own budget
 * @param lease       leader election
 * @param address     where {@code /healthz}, {@code /readyz} and {@code /metrics} listen
 * @param port        their port; 0 picks a free one
 */
public record RunOptions(Optional<Path> kubeconfig, boolean paused, boolean dryRun, OptionalInt maxInFlight, LeaseSettings lease,
                         String address, int port) {
    public RunOptions {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(maxInFlight, "maxInFlight");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + " is not a port (0 to 65535; 0 picks a free one)");
        }
        maxInFlight.ifPresent(max -> {
            if (max < 1) {
                throw new IllegalArgumentException("--max-in-flight " + max + " must be at least 1; leave it out for no cluster-wide limit");
            }
        });
    }
}
