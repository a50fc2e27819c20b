package dev.nodemedic.remedy.runtime;

import dev.nodemedic.daemon.api.GoDuration;
import java.time.Duration;
import java.util.Objects;

/**
 * The leader election's Lease and timing.
 *
 * @param namespace      where the Lease lives ({@code --lease-namespace}, else {@code POD_NAMESPACE})
 * @param name           the Lease's name ({@code --lease-name})
 * @param identity       this replica ({@code POD_NAME}): written as the Lease's holder
 * @param leaseDuration  how long a follower waits after the leader's last renewal before taking over
 * @param renewDeadline  how long the leader keeps trying to renew before it stops acting; shorter than
 *                       {@code leaseDuration}, so it has stopped before anyone else can start
 * @param retryPeriod    how often followers try to acquire and the leader renews
 * @param releaseOnStop  whether a replica that stops gives the Lease up at once (a graceful shutdown does)
 *                       or leaves it to expire (as a killed pod would)
 */
public record LeaseSettings(String namespace, String name, String identity, Duration leaseDuration, Duration renewDeadline,
                            Duration retryPeriod, boolean releaseOnStop) {
    public LeaseSettings {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(identity, "identity");
        if (namespace.isBlank() || name.isBlank() || identity.isBlank()) {
            throw new IllegalArgumentException("the lease needs a namespace, a name and an identity; got namespace=\"" + namespace
                    + "\" name=\"" + name + "\" identity=\"" + identity + "\" (set --lease-namespace or POD_NAMESPACE, --lease-name, POD_NAME)");
        }
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("--renew-deadline (" + GoDuration.formatShort(renewDeadline) + ") must be shorter than --lease-duration ("
                    + GoDuration.formatShort(leaseDuration) + "), or a new leader could start before the old one stopped");
        }
        // The leader renews every retry period: at least two tries before it gives up.
        if (retryPeriod.multipliedBy(2).compareTo(renewDeadline) > 0) {
            throw new IllegalArgumentException("--retry-period (" + GoDuration.formatShort(retryPeriod) + ") must be at most half of --renew-deadline ("
                    + GoDuration.formatShort(renewDeadline) + "), so a leader gets more than one try to renew");
        }
    }
}
