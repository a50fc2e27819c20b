package dev.nodemedic.daemon.api;

import java.time.Duration;

/**
 * Durations written as Go writes them, for messages a person compares with NPD's, kubelet's and
 * their own config files (which spell durations in Go's notation: {@code 90s}, {@code 1h30m},
 * {@code 500ms}). The reading direction is {@link CommandContext#duration(String)}.
 *
 * @since 1.5.0
 */
public final class GoDuration {
    private GoDuration() {
    }

    /**
     * As Go's {@code time.Duration.String()} writes it, which NPD's and kubelet's messages use:
     * {@code 1h2m3s}, {@code 2m0s}, {@code 1.5s}, {@code 999ms}, {@code 1µs} (micro sign U+00B5),
     * {@code 0s}, {@code -4m5s}. Below a second the largest unit that leaves a whole part is taken;
     * from a second up hours, minutes and seconds, seconds with up to nine decimals. Hours are not
     * grouped into days. Go stops at ±2562047h47m16.854775807s; a longer {@code Duration} is written
     * the same way.
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        StringBuilder out = new StringBuilder(24);
        if (seconds == 0) {
            if (nanos == 0) {
                return "0s";
            }
            if (nanos < 1_000) {
                return out.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000) {
                return decimal(out, nanos / 1_000, nanos % 1_000, 3).append("µs").toString();
            }
            return decimal(out, nanos / 1_000_000, nanos % 1_000_000, 6).append("ms").toString();
        }
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return decimal(out, seconds % 60, nanos, 9).append('s').toString();
    }

    /**
     * As a config file or a flag writes it: {@link #format} without the zero units it ends in
     * ({@code 20m}, {@code 1h}, {@code 1h30m}, {@code 1.5s}, {@code 500ms}, {@code 0s}), so a message
     * reads like the setting it quotes. Go's {@code time.ParseDuration} reads it back to the same value.
     */
    public static String formatShort(Duration duration) {
        String text = format(duration);
        if (text.endsWith("m0s")) {
            text = text.substring(0, text.length() - 2);
        }
        if (text.endsWith("h0m")) {
            text = text.substring(0, text.length() - 2);
        }
        return text;
    }

    /** {@code whole}, then {@code fraction} (of {@code digits} digits) without its trailing zeros, as Go's fmtFrac. */
    private static StringBuilder decimal(StringBuilder out, long whole, long fraction, int digits) {
        out.append(whole);
        if (fraction == 0) {
            return out;
        }
        String padded = String.valueOf(fraction);
        int end = padded.length();
        while (padded.charAt(end - 1) == '0') {
            end--;
        }
        out.append('.').repeat('0', digits - padded.length()).append(padded, 0, end);
        return out;
    }
}
