package dev.nodemedic.daemons.kernellog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real device refused by the real kernel: the daemon runs in a child JVM whose capability bounding
 * set lacks CAP_SYSLOG, where {@code kernel.dmesg_restrict=1} makes open(2) of /dev/kmsg fail with
 * EPERM, the error an unprivileged pod gets from its device cgroup. Tests run as root, whom a file
 * mode never refuses, so this is the way to see that refusal here.
 */
class KmsgRefusedTest {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path dir;

    /** The child: the daemon with its defaults on this machine's /dev/kmsg, nothing else to read; prints KernelDeadlock. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Host host = new Host(Path.of("/dev/kmsg"), List.of(dir.resolve("no-kern.log")), Path.of("/proc/uptime"),
                ZoneOffset.UTC, Duration.ofMillis(250), Duration.ofSeconds(6), Duration.ofSeconds(30));
        KernelLogDaemon daemon = new KernelLogDaemon(host);
        KernelLogConfig config = new ConfigBinder().defaults(KernelLogConfig.class);
        // The agent's journal reader as it answers on a node without journalctl.
        Journal noJournalctl = Journal.unavailable(dir.resolve("no-journalctl") + ": not found on PATH");
        try (RecordingDaemonContext<KernelLogConfig> context = new RecordingDaemonContext<>(daemon, config, Clock.systemUTC()).withJournal(noJournalctl)) {
            daemon.start(context);
            Condition deadlock = context.condition("KernelDeadlock");
            System.out.println("KernelDeadlock " + deadlock.status().apiValue() + " " + deadlock.reason() + " " + deadlock.message());
            daemon.stop();
        }
    }

    @Test
    void withoutCapSyslogTheKernelRefusesTheDeviceAndTheConditionsAreUnknownSayingWhy() throws Exception {
        assumeThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid")).as("root, who may drop a capability").isEqualTo(0);
        assumeThat(Files.isExecutable(SETPRIV)).as("util-linux's setpriv").isTrue();
        assumeThat(Files.readString(Path.of("/proc/sys/kernel/dmesg_restrict")).strip()).as("kernel.dmesg_restrict").isEqualTo("1");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(SETPRIV.toString(), "--bounding-set", "-syslog", "--", java, "-cp", System.getProperty("java.class.path"),
                KmsgRefusedTest.class.getName(), dir.toString()).redirectErrorStream(true).start();

        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output).contains("KernelDeadlock Unknown LogSourceUnavailable kernel-log reads no log: /dev/kmsg: operation not permitted"
                + " (an unprivileged container may not open the device, whatever its capabilities, nor may a process without CAP_SYSLOG under"
                + " kernel.dmesg_restrict=1); " + dir.resolve("no-kern.log") + ": not there; " + dir.resolve("no-journalctl") + ": not found on PATH.");
        assertThat(child.exitValue()).as(output).isZero();
    }
}
