package dev.nodemedic.remedy.runtime;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads a flag's duration as Kubernetes tools write it: {@code 15s}, {@code 500ms}, {@code 1m30s}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

    @Override
    public Duration convert(String text) {
        if (!WHOLE.matcher(text).matches()) {
            throw new CommandLine.TypeConversionException("\"" + text + "\" is not a duration; write it as 15s, 500ms or 1m30s");
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
}
