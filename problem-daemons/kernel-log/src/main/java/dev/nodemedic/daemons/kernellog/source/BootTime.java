package dev.nodemedic.daemons.kernellog.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the node booted: the origin of /dev/kmsg's monotonic timestamps, and the earliest time a line
 * counts (a problem from before the last boot is not a problem now).
 *
 * @param at the boot time
 */
public record BootTime(Instant at) {

    /**
     * Reads {@code /proc/uptime} ("seconds-since-boot idle-seconds") as NPD does (now minus uptime).
     * Uptime does not advance while the machine is suspended, and neither do kmsg's timestamps, so
     * the two stay consistent.
     */
    public static BootTime fromUptime(Path procUptime, Clock clock) throws IOException {
        String text = Files.readString(procUptime).strip();
        int space = text.indexOf(' ');
        String seconds = space < 0 ? text : text.substring(0, space);
        try {
            double uptime = Double.parseDouble(seconds);
            return new BootTime(clock.instant().minus(Duration.ofNanos((long) (uptime * 1e9))));
        } catch (NumberFormatException e) {
            throw new IOException(procUptime + ": \"" + text + "\" does not start with the uptime in seconds", e);
        }
    }

    /** NPD's start time: lines count from the later of boot + delay and now - lookback. */
    public Instant startTime(Instant now, Duration lookback, Duration delay) {
        Instant afterBoot = at.plus(delay);
        Instant lookbackStart = now.minus(lookback);
        return afterBoot.isAfter(lookbackStart) ? afterBoot : lookbackStart;
    }
}
