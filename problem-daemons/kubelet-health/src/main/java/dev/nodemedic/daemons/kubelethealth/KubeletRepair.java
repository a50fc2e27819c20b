package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.Severity;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /** Characters of the command's output quoted in an event. */
    private static final int MAX_OUTPUT_QUOTED = 200;
    /**
     * systemd prints timestamps in the local zone and locale; both are pinned so the line reads
     * {@code InactiveExitTimestamp=Mon 2026-11-23 17:03:20 UTC} on every host.
     */
    private static final Map<String, String> UTC = Map.of("TZ", "UTC", "LC_ALL", "C");
    private static final Pattern STARTED = Pattern.compile("InactiveExitTimestamp=\\S* ?(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(?:\\.\\d+)? UTC");

    private final DaemonContext<?> context;
    private final RepairConfig config;
    private final Path systemctl;
    private final String unit;
    private final HostCommand commands;
    private final RepairBudget budget;
    private Instant lastAttempt;
    /** Whether the cap has been announced since the last repair, so it is one event, not one per look. */
    private boolean limitAnnounced;

    KubeletRepair(DaemonContext<?> context, RepairConfig config, Path systemctl, String unit) {
        this.context = context;
        this.config = config;
        this.systemctl = systemctl;
        this.unit = unit;
        this.commands = new HostCommand(config.timeout());
        this.budget = new RepairBudget(config.maxRepairsPerDay());
    }

    /** How long the unit has been up, as far as systemd can say. */
    private sealed interface Uptime {
        record Up(Duration duration) implements Uptime {
        }

        record Unknown(String why) implements Uptime {
        }
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
        String prefix = "kubelet unhealthy for " + HealthzProbe.text(unhealthyFor) + " (" + why + "); ";
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
        switch (uptime(now)) {
            case Uptime.Unknown unknown -> {
                lastAttempt = now;
                context.emit(Severity.WARNING, FAILED, prefix + "not restarted: cannot tell how long " + unit + " has been up: " + unknown.why());
                return;
            }
            case Uptime.Up up when up.duration().compareTo(cooldown) < 0 -> {
                // NPD's guard: it was (re)started within the cooldown, by us, by systemd or by a person.
                context.logger().log(Level.DEBUG, "kubelet repair held: unit up for less than the cooldown unit={0} up={1} cooldown={2}",
                        unit, HealthzProbe.text(up.duration().truncatedTo(ChronoUnit.SECONDS)), HealthzProbe.text(cooldown));
                return;
            }
            case Uptime.Up _ -> {
            }
        }
        lastAttempt = now;
        budget.spend(now);
        limitAnnounced = false;
        List<String> command = config.command();
        String ran = "ran \"" + HostCommand.text(command) + "\"";
        switch (commands.run(command, Map.of())) {
            case HostCommand.Result.Exited exited when exited.status() == 0 -> {
                context.logger().log(Level.WARNING, "kubelet restarted by repair unit={0} unhealthyFor={1}", unit, HealthzProbe.text(unhealthyFor));
                context.emit(Severity.WARNING, RESTARTED, prefix + ran + ": exit status 0" + quoted(exited.output()));
            }
            case HostCommand.Result.Exited exited -> context.emit(Severity.WARNING, FAILED, prefix + ran + ": exit status " + exited.status() + quoted(exited.output()));
            case HostCommand.Result.TimedOut timedOut -> context.emit(Severity.WARNING, FAILED,
                    prefix + ran + ": did not finish within " + HealthzProbe.text(timedOut.timeout()) + " and was killed");
            case HostCommand.Result.NotRun notRun -> context.emit(Severity.WARNING, FAILED, prefix + "\"" + HostCommand.text(command) + "\" could not be run: " + notRun.why());
        }
    }

    /** {@code systemctl show <unit> --property=InactiveExitTimestamp}: when systemd last started the unit, as NPD asks. */
    private Uptime uptime(Instant now) throws InterruptedException {
        List<String> show = List.of(systemctl.toString(), "show", unit, "--property=InactiveExitTimestamp");
        String asked = "\"" + HostCommand.text(show) + "\"";
        return switch (commands.run(show, UTC)) {
            case HostCommand.Result.Exited exited when exited.status() != 0 ->
                    new Uptime.Unknown(asked + " exited " + exited.status() + quoted(exited.output()));
            case HostCommand.Result.Exited exited -> parse(exited.output(), now);
            case HostCommand.Result.TimedOut timedOut -> new Uptime.Unknown(asked + " did not finish within " + HealthzProbe.text(timedOut.timeout()));
            case HostCommand.Result.NotRun notRun -> new Uptime.Unknown(asked + " could not be run: " + notRun.why());
        };
    }

    private Uptime parse(String output, Instant now) {
        Matcher matcher = STARTED.matcher(output);
        if (!matcher.find()) {
            // Empty when systemd never started the unit since it was loaded.
            return new Uptime.Unknown("systemd gave no start time (" + (output.isBlank() ? "no output" : "\"" + firstLine(output) + "\"") + ")");
        }
        try {
            Instant started = LocalDateTime.parse(matcher.group(1) + "T" + matcher.group(2)).toInstant(ZoneOffset.UTC);
            return new Uptime.Up(Duration.between(started, now));
        } catch (DateTimeParseException e) {
            return new Uptime.Unknown("systemd's start time \"" + matcher.group() + "\" is not a date: " + e.getMessage());
        }
    }

    private static String quoted(String output) {
        String line = output.strip().replaceAll("\\s+", " ");
        if (line.isEmpty()) {
            return "";
        }
        return ": \"" + (line.length() > MAX_OUTPUT_QUOTED ? line.substring(0, MAX_OUTPUT_QUOTED) + "…" : line) + "\"";
    }

    private static String firstLine(String output) {
        return output.strip().lines().findFirst().orElse("");
    }
}
