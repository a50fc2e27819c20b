package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.GoDuration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a systemd unit has been up, as NPD's health-checker asks:
 * {@code systemctl show <unit> --property=InactiveExitTimestamp}, the moment systemd last started it.
 * NPD chose that over ActiveEnterTimestamp because a unit killed while still activating never gets
 * the latter, and the repair then killed it again and again.
 */
final class UnitUptime {
    /**
     * systemd prints timestamps in the local zone and locale; both are pinned so the line reads
     * {@code InactiveExitTimestamp=Mon 2026-11-23 17:03:20 UTC} on every host.
     */
    private static final Map<String, String> UTC = Map.of("TZ", "UTC", "LC_ALL", "C");
    private static final Pattern STARTED = Pattern.compile("InactiveExitTimestamp=\\S* ?(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(?:\\.\\d+)? UTC");
    /** Characters of systemctl's output quoted in a message. */
    private static final int MAX_OUTPUT_QUOTED = 200;

    /** What systemd said. */
    sealed interface Uptime {
        record Up(Duration duration) implements Uptime {
        }

        record Unknown(String why) implements Uptime {
        }
    }

    private final Path systemctl;
    private final String unit;
    private final HostCommand commands;

    UnitUptime(Path systemctl, String unit, HostCommand commands) {
        this.systemctl = systemctl;
        this.unit = unit;
        this.commands = commands;
    }

    String unit() {
        return unit;
    }

    Uptime at(Instant now) throws InterruptedException {
        List<String> show = List.of(systemctl.toString(), "show", unit, "--property=InactiveExitTimestamp");
        String asked = "\"" + HostCommand.text(show) + "\"";
        return switch (commands.run(show, UTC)) {
            case HostCommand.Result.Exited exited when exited.status() != 0 ->
                    new Uptime.Unknown(asked + " exited " + exited.status() + quoted(exited.output()));
            case HostCommand.Result.Exited exited -> parse(exited.output(), now);
            case HostCommand.Result.TimedOut timedOut -> new Uptime.Unknown(asked + " did not finish within " + GoDuration.formatShort(timedOut.timeout()));
            case HostCommand.Result.NotRun notRun -> new Uptime.Unknown(asked + " could not be run: " + notRun.why());
        };
    }

    private static Uptime parse(String output, Instant now) {
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

    /** A command's output as one quoted line for a message, cut short; empty for no output. */
    static String quoted(String output) {
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
