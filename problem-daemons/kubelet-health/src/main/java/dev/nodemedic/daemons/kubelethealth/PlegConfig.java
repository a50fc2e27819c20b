package dev.nodemedic.daemons.kubelethealth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the kubelet's log is read for PLEG trouble, and how long trouble must last to be a condition.
 *
 * @param logFile          a file the kubelet logs to (such as {@code /var/log/kubelet.log}), followed through
 *                         appends and rotation; absent: the kubelet's unit in the systemd journal
 * @param journalctl       no longer used, accepted as it is (absolute or not) so that configs that name it still
 *                         load: the agent's journal reader, shared by every daemon, runs the journalctl on the
 *                         agent's PATH; a value is logged as ignored at start
 * @param journalDirectory the host's journal mounted into the pod (such as {@code /var/log/journal}); absent:
 *                         journalctl's own default, which on a host is the host's journal
 * @param persistFor       PLEGUnhealthy is True once the kubelet has reported PLEG trouble over this long
 *                         (default 3m, the kubelet's own relist threshold)
 * @param quietPeriod      PLEGUnhealthy clears after this long without a PLEG line (default 5m)
 */
public record PlegConfig(Optional<Path> logFile, Optional<Path> journalctl, Optional<Path> journalDirectory, Duration persistFor, Duration quietPeriod) {
    public PlegConfig {
        logFile = logFile == null ? Optional.empty() : logFile;
        journalctl = journalctl == null ? Optional.empty() : journalctl;
        journalDirectory = journalDirectory == null ? Optional.empty() : journalDirectory;
        persistFor = persistFor == null ? Duration.ofMinutes(3) : persistFor;
        quietPeriod = quietPeriod == null ? Duration.ofMinutes(5) : quietPeriod;

        if (logFile.isPresent() && !logFile.get().isAbsolute()) {
            throw new IllegalArgumentException("logFile: \"" + logFile.get() + "\" is relative; write an absolute path such as /var/log/kubelet.log");
        }
        if (journalDirectory.isPresent() && !journalDirectory.get().isAbsolute()) {
            throw new IllegalArgumentException("journalDirectory: \"" + journalDirectory.get() + "\" is relative; write an absolute path such as /var/log/journal");
        }
        if (persistFor.isNegative() || persistFor.isZero()) {
            throw new IllegalArgumentException("persistFor: " + persistFor + " must be positive, such as 3m");
        }
        if (quietPeriod.isNegative() || quietPeriod.isZero()) {
            throw new IllegalArgumentException("quietPeriod: " + quietPeriod + " must be positive, such as 5m");
        }
    }
}
