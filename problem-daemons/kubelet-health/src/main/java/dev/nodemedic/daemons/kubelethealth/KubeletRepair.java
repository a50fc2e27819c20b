package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.Severity;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NPD's health-checker repair: restarts a kubelet that has been unhealthy for the cooldown. As NPD's, it
 * repairs only a kubelet whose unit has been up for the cooldown (systemd's InactiveExitTimestamp), so a
 * kubelet that is still starting, or that systemd is already restarting, is left alone; beyond NPD, it
 * repairs at most once per cooldown, only after the kubelet has been unhealthy for the cooldown, and at most
 * {@code maxRepairsPerDay} times within any 24 hours. Every attempt is an event with the command and how it
 * ended, and so is reaching the cap.
 */
final class KubeletRepair {
    static final String RESTARTED = "KubeletRestarted";
    static final String FAILED = "KubeletRepairFailed";
    static final String LIMIT_REACHED = "KubeletRepairLimitReached";

    private final DaemonContext<?> context;
    private final RepairConfig config;
    private final String unit;
    private final HostCommand commands;
    private final UnitUptime uptime;
    private final RepairBudget budget;
    private Instant lastAttempt;
    /** Whether the cap has been announced since the last repair, so it is one event, not one per look. */
    private boolean limitAnnounced;

    KubeletRepair(DaemonContext<?> context, RepairConfig config, Path systemctl, String unit) {
        this.context = context;
        this.config = config;
        this.unit = unit;
        this.commands = new HostCommand(config.timeout());
        this.uptime = new UnitUptime(systemctl, unit, commands);
        this.budget = new RepairBudget(config.maxRepairsPerDay());
    }

    /**
     * Called after every look at the kubelet. {@code unhealthySince} is present while KubeletUnhealthy is
     * True; {@code why} is what the look found, for the event.
     */
    void consider(Instant now, Optional<Instant> unhealthySince, String why) throws InterruptedException {
        if (unhealthySince.isEmpty()) {
            return;
        }
        Duration cooldown = config.cooldownTime();
        // Whole seconds: the looks are seconds apart, and nanoseconds in an event are noise.
        Duration unhealthyFor = Duration.between(unhealthySince.get(), now).truncatedTo(ChronoUnit.SECONDS);
        if (unhealthyFor.compareTo(cooldown) < 0) {
            return;
        }
        if (lastAttempt != null && Duration.between(lastAttempt, now).compareTo(cooldown) < 0) {
            return;
        }
        String prefix = "kubelet unhealthy for " + GoDuration.formatShort(unhealthyFor) + " (" + why + "); ";
        if (!budget.allows(now)) {
            if (!limitAnnounced) {
                limitAnnounced = true;
                String next = budget.nextAllowed().truncatedTo(ChronoUnit.SECONDS).toString();
                context.logger().log(Level.WARNING, "kubelet repair limit reached unit={0} max={1} window=24h next={2}", unit, budget.max(), next);
                context.emit(Severity.WARNING, LIMIT_REACHED, prefix + "not restarted: " + budget.max() + " repairs within 24h already (repair.maxRepairsPerDay);"
                        + " no more until " + next + ", a kubelet that restarts do not help needs a person");
            }
            return;
        }
        switch (uptime.at(now)) {
            case UnitUptime.Uptime.Unknown unknown -> {
                lastAttempt = now;
                context.emit(Severity.WARNING, FAILED, prefix + "not restarted: cannot tell how long " + unit + " has been up: " + unknown.why());
                return;
            }
            case UnitUptime.Uptime.Up up when up.duration().compareTo(cooldown) < 0 -> {
                // NPD's guard: it was (re)started within the cooldown, by us, by systemd or by a person.
                context.logger().log(Level.DEBUG, "kubelet repair held: unit up for less than the cooldown unit={0} up={1} cooldown={2}",
                        unit, GoDuration.formatShort(up.duration().truncatedTo(ChronoUnit.SECONDS)), GoDuration.formatShort(cooldown));
                return;
            }
            case UnitUptime.Uptime.Up _ -> {
            }
        }
        lastAttempt = now;
        budget.spend(now);
        limitAnnounced = false;
        List<String> command = config.command();
        String ran = "ran \"" + HostCommand.text(command) + "\"";
        switch (commands.run(command, Map.of())) {
            case HostCommand.Result.Exited exited when exited.status() == 0 -> {
                context.logger().log(Level.WARNING, "kubelet restarted by repair unit={0} unhealthyFor={1}", unit, GoDuration.formatShort(unhealthyFor));
                context.emit(Severity.WARNING, RESTARTED, prefix + ran + ": exit status 0" + UnitUptime.quoted(exited.output()));
            }
            case HostCommand.Result.Exited exited -> context.emit(Severity.WARNING, FAILED, prefix + ran + ": exit status " + exited.status() + UnitUptime.quoted(exited.output()));
            case HostCommand.Result.TimedOut timedOut -> context.emit(Severity.WARNING, FAILED,
                    prefix + ran + ": did not finish within " + GoDuration.formatShort(timedOut.timeout()) + " and was killed");
            case HostCommand.Result.NotRun notRun -> context.emit(Severity.WARNING, FAILED, prefix + "\"" + HostCommand.text(command) + "\" could not be run: " + notRun.why());
        }
    }
}
