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
 * @param zone              the zone of syslog timestamps without one (Go's time.Local)
 * @param filePoll          the backstop poll of a followed file, when the file system reports no change
 * @param journalCheck      how long the agent's journal reader may take to say whether the journal can be read
 * @param sourceRetry       how often an instance with no readable log looks again
 */
public record Host(Path kmsg, List<Path> syslogFiles, Path procUptime, ZoneId zone, Duration filePoll, Duration journalCheck, Duration sourceRetry) {
    public Host {
        syslogFiles = List.copyOf(syslogFiles);
    }

    /** A Linux node: Debian/Ubuntu keep kernel lines in kern.log, RHEL-like systems in messages. */
    public static Host linux() {
        return new Host(Path.of("/dev/kmsg"), List.of(Path.of("/var/log/kern.log"), Path.of("/var/log/messages")), Path.of("/proc/uptime"),
                ZoneId.systemDefault(), Duration.ofMillis(250),
                // The agent's reader gives journalctl --lines=1 5 s (it answers in milliseconds from the journal's
                // tail) and says so; 6 s leaves room for that within the agent's 10 s bound on start(). Looking again
                // every 30 s costs a stat, an open and that one journalctl run: nothing, and rsyslog installed or
                // the journal mounted is seen within half a minute.
                Duration.ofSeconds(6), Duration.ofSeconds(30));
    }
}
