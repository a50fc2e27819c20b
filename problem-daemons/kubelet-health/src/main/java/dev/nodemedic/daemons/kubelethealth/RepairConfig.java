package dev.nodemedic.daemons.kubelethealth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The optional repair of NPD's health checker: restart the kubelet after it has been unhealthy for a
 * while. Off by default, as in NPD's {@code health-checker-kubelet.json}.
 *
 * @param enableRepair NPD's {@code --enable-repair} (default false)
 * @param cooldownTime NPD's {@code --cooldown-time} (default 1m, as NPD's kubelet config): the kubelet must have
 *                     been unhealthy this long, and up this long, before a repair; and repairs are this far apart
 * @param command      what restarts the kubelet (default NPD's: {@code <systemctl> kill --kill-who=main <kubeletUnit>},
 *                     filled in by {@link KubeletHealthConfig})
 * @param timeout      how long the command may take before it is killed (default 10s, NPD's {@code CmdTimeout})
 * @param maxRepairsPerDay nodemedic's own: repairs (runs of the command) within any 24 hours, after which the daemon
 *                     repairs no more until the oldest is a day old (default 3); NPD has no such cap
 */
public record RepairConfig(Boolean enableRepair, Duration cooldownTime, List<String> command, Duration timeout, Integer maxRepairsPerDay) {
    /**
     * The shortest cooldown accepted, NPD's own default for the kubelet. A kubelet takes tens of seconds to start,
     * register its plugins and answer healthz again; a shorter cooldown would kill it again before it could.
     */
    static final Duration MIN_COOLDOWN = Duration.ofMinutes(1);
    static final int DEFAULT_MAX_REPAIRS_PER_DAY = 3;

    public RepairConfig {
        enableRepair = enableRepair != null && enableRepair;
        cooldownTime = cooldownTime == null ? MIN_COOLDOWN : cooldownTime;
        command = command == null ? List.of() : List.copyOf(command);
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        maxRepairsPerDay = maxRepairsPerDay == null ? DEFAULT_MAX_REPAIRS_PER_DAY : maxRepairsPerDay;

        if (cooldownTime.isNegative() || cooldownTime.isZero()) {
            throw new IllegalArgumentException("cooldownTime: " + cooldownTime + " must be positive, such as 1m");
        }
        if (cooldownTime.compareTo(MIN_COOLDOWN) < 0) {
            throw new IllegalArgumentException("cooldownTime: " + cooldownTime + " is shorter than the minimum, 1m: a restarted kubelet needs that"
                    + " long to answer healthz again, and a shorter cooldown would kill it again first; make it at least 1m");
        }
        if (maxRepairsPerDay < 1) {
            throw new IllegalArgumentException("maxRepairsPerDay: " + maxRepairsPerDay + " must be at least 1; to never repair, set enableRepair: false");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " must be positive, such as 10s");
        }
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).isBlank()) {
                throw new IllegalArgumentException("command[" + i + "]: is empty; write one argument per entry, such as [/usr/bin/systemctl, restart, kubelet]");
            }
        }
        if (!command.isEmpty() && !Path.of(command.getFirst()).isAbsolute()) {
            throw new IllegalArgumentException("command[0]: \"" + command.getFirst() + "\" is relative; write an absolute path such as /usr/bin/systemctl");
        }
    }

    /**
     * NPD's repair when none is configured. NPD kills the unit's main process rather than restarting it, so
     * systemd brings it back under the unit's {@code Restart=} and counts it in NRestarts: a repair then reads
     * as a failure in the journal and in FrequentKubeletRestart, where a restart by hand does not
     * (node-problem-detector issue 847).
     */
    RepairConfig withDefaultCommand(Path systemctl, String unit) {
        return command.isEmpty() ? new RepairConfig(enableRepair, cooldownTime, List.of(systemctl.toString(), "kill", "--kill-who=main", unit), timeout, maxRepairsPerDay) : this;
    }
}
