package dev.nodemedic.remedy.engine;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' duration spelling ({@code 90s}, {@code 5m}, {@code 1h30m}, {@code 500ms}) to {@link Duration}:
 * what a policy's fields and the command's flags are written in. Messages write durations back with
 * daemon-api's {@code GoDuration.formatShort}, which this reads.
 */
public final class DurationText {
    private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

    /** @throws IllegalArgumentException saying what was expected */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (write it as 90s, 5m or 1h30m)");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
        }
        return total;
    }

    private DurationText() {
    }
}
