package dev.nodemedic.daemons.npdrules;

import dev.nodemedic.daemon.api.CommandContext;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Go's pflag command line as NPD's helper programs take it: {@code --name=value} or {@code --name value},
 * durations in Go's notation, booleans as {@code --name}, {@code --name=true} or {@code --name=false}.
 * kernel-log's log-counter and kubelet-health's health-checker read their flags with it.
 */
public final class NpdFlags {
    private final List<String> args;
    private int at;
    private String name;
    private String value;

    public NpdFlags(List<String> args) {
        this.args = args;
    }

    /** Moves to the next flag; false after the last. Every flag takes a value. */
    public boolean next() {
        return next(Set.of());
    }

    /** Moves to the next flag; false after the last. {@code booleans} take no separate value word. */
    public boolean next(Set<String> booleans) {
        if (at >= args.size()) {
            return false;
        }
        String arg = args.get(at++);
        if (!arg.startsWith("--") || arg.length() == 2) {
            throw new IllegalArgumentException("unexpected argument \"" + arg + "\"; flags are written --name=value");
        }
        int eq = arg.indexOf('=');
        if (eq >= 0) {
            name = arg.substring(2, eq);
            value = arg.substring(eq + 1);
        } else {
            name = arg.substring(2);
            if (booleans.contains(name)) {
                value = "true";
                return true;
            }
            if (at >= args.size()) {
                throw new IllegalArgumentException("flag --" + name + " needs a value");
            }
            value = args.get(at++);
        }
        return true;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    public Duration duration(CommandContext context) {
        try {
            return context.duration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
        }
    }

    public boolean bool() {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            // Go's strconv.ParseBool, which pflag uses
            case "1", "t", "true" -> true;
            case "0", "f", "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + ": \"" + value + "\" is not true or false");
        };
    }

    public int integer() {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": \"" + value + "\" is not a whole number", e);
        }
    }
}
