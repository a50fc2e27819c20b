package dev.nodemedic.daemons.systemd;

import dev.nodemedic.daemon.api.GoDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Asks systemd how often it has restarted a unit: {@code systemctl show <unit> --property=LoadState,NRestarts}.
 * NRestarts counts the restarts systemd made under the unit's {@code Restart=} setting, which is how a
 * crashing kubelet or container runtime comes back. NPD counts lines in the journal instead ("Started
 * ... kubelet" for FrequentKubeletRestart, "Starting containerd container runtime..." for
 * FrequentContainerdRestart), which needs the journal mounted and a journal reader; systemd's own
 * counter needs neither.
 */
public final class UnitRestarts {
    /** Output read at most: the answer is two short lines, anything longer is not systemctl's answer. */
    private static final int MAX_OUTPUT = 4096;

    /** What one question to systemd gave: the counter, or why there is none, in words for a condition message. */
    public sealed interface Reading {
        record Count(long restarts) implements Reading {
        }

        record Unavailable(String why) implements Reading {
        }
    }

    private final Path systemctl;
    private final String unit;
    private final Duration timeout;

    /** {@code systemctl} is the host's binary as the agent sees it; a run longer than {@code timeout} is killed. */
    public UnitRestarts(Path systemctl, String unit, Duration timeout) {
        this.systemctl = Objects.requireNonNull(systemctl, "systemctl");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (unit.isBlank()) {
            throw new IllegalArgumentException("the unit whose restarts are counted is blank; name a systemd unit such as kubelet.service");
        }
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("the timeout for systemctl show " + unit + " is " + timeout + "; it must be positive");
        }
    }

    /** Runs systemctl once; every failure is a {@link Reading.Unavailable}, never an exception. */
    public Reading read() throws InterruptedException {
        if (!Files.isExecutable(systemctl)) {
            return new Reading.Unavailable(systemctl + " is not there to ask systemd (mount it and the host's /run/systemd into the agent)");
        }
        Process process;
        try {
            process = new ProcessBuilder(List.of(systemctl.toString(), "show", unit, "--property=LoadState,NRestarts"))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Reading.Unavailable(systemctl + " could not be run: " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Reading.Unavailable(systemctl + " show " + unit + " did not finish within " + GoDuration.formatShort(timeout));
            }
            String output = new String(process.getInputStream().readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                return new Reading.Unavailable(systemctl + " show " + unit + " exited " + process.exitValue() + ": " + lastLine(output));
            }
            return parse(output);
        } catch (IOException e) {
            return new Reading.Unavailable(systemctl + " show " + unit + " could not be read: " + e.getMessage());
        } finally {
            process.destroyForcibly();
        }
    }

    private Reading parse(String output) {
        Map<String, String> properties = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                properties.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        if ("not-found".equals(properties.get("LoadState"))) {
            return new Reading.Unavailable("systemd has no unit " + unit + " on this host");
        }
        String restarts = properties.getOrDefault("NRestarts", "");
        try {
            return new Reading.Count(Long.parseLong(restarts));
        } catch (NumberFormatException e) {
            // systemd before 235 has no NRestarts property and prints nothing for it.
            return new Reading.Unavailable("systemd gave no restart count for " + unit + " (NRestarts=\"" + restarts + "\"; it needs systemd 235 or newer)");
        }
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.isEmpty() ? "no output" : lines.getLast();
    }
}
