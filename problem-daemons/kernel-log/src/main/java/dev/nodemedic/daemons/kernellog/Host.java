package dev.nodemedic.daemons.kernellog;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * Where this host keeps what the daemon reads, and how patiently it waits. One value for a real
 * Linux node; tests point it at files of their own.
 *
 * @param kmsg              the kernel log device
 * @param syslogFiles       syslog files holding kernel lines, tried in order when kmsg cannot be read
 * @param procUptime        the uptime, for the boot time
 * @param journalctl        the journalctl binary (a name is looked up on PATH)
 * @param zone              the zone of syslog timestamps without one (Go's time.Local)
 * @param filePoll          the backstop poll of a followed file, when the file system reports no change
 * @param journalBackoff    the first wait before journalctl is started again
 * @param journalMaxBackoff the longest wait before journalctl is started again
 * @param journalCheck      how long journalctl may take to show that the journal has an entry
 * @param sourceRetry       how often an instance with no readable log looks again
 */
public record Host(Path kmsg, List<Path> syslogFiles, Path procUptime, String journalctl, ZoneId zone,
                   Duration filePoll, Duration journalBackoff, Duration journalMaxBackoff, Duration journalCheck, Duration sourceRetry) {
    public Host {
        syslogFiles = List.copyOf(syslogFiles);
    }

    /** A Linux node: Debian/Ubuntu keep kernel lines in kern.log, RHEL-like systems in messages. */
    public static Host linux() {
        return new Host(Path.of("/dev/kmsg"), List.of(Path.of("/var/log/kern.log"), Path.of("/var/log/messages")), Path.of("/proc/uptime"),
                "journalctl", ZoneId.systemDefault(), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofMinutes(1),
                // journalctl --lines=1 answers in milliseconds from the journal's tail; 5 s leaves room within the
                // agent's 10 s bound on start(). Looking again every 30 s costs a stat, an open and that one
                // journalctl run: nothing, and rsyslog installed or the journal mounted is seen within half a minute.
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }
}
