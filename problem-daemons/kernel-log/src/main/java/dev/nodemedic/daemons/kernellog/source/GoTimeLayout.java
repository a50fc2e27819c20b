package dev.nodemedic.daemons.kernellog.source;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * A timestamp layout in Go's syntax (the reference time {@code Mon Jan 2 15:04:05 MST 2006}), as
 * NPD's {@code timestampFormat} is written, turned into a {@link DateTimeFormatter} once, at load.
 *
 * @param layout    the Go layout, such as {@code Jan _2 15:04:05}
 * @param formatter the equivalent formatter (English month and day names, as Go's)
 * @param hasYear   whether the layout carries a year; when not, the reader supplies it (NPD: the current year)
 * @param hasZone   whether the layout carries a zone or offset; when not, the host's zone applies (Go's time.Local)
 */
public record GoTimeLayout(String layout, DateTimeFormatter formatter, boolean hasYear, boolean hasZone) {

    public static GoTimeLayout parse(String layout) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive();
        boolean year = false;
        boolean zone = false;
        int i = 0;
        while (i < layout.length()) {
            String rest = layout.substring(i);
            if (rest.startsWith("January")) {
                b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
                i += 7;
            } else if (rest.startsWith("Jan")) {
                b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
                i += 3;
            } else if (rest.startsWith("Monday")) {
                b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
                i += 6;
            } else if (rest.startsWith("Mon")) {
                b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
                i += 3;
            } else if (rest.startsWith("2006")) {
                b.appendValue(ChronoField.YEAR, 4);
                year = true;
                i += 4;
            } else if (rest.startsWith("MST")) {
                b.appendZoneText(TextStyle.SHORT);
                zone = true;
                i += 3;
            } else if (rest.startsWith("Z07:00")) {
                b.appendOffset("+HH:MM", "Z");
                zone = true;
                i += 6;
            } else if (rest.startsWith("-07:00")) {
                b.appendOffset("+HH:MM", "+00:00");
                zone = true;
                i += 6;
            } else if (rest.startsWith("Z0700")) {
                b.appendOffset("+HHMM", "Z");
                zone = true;
                i += 5;
            } else if (rest.startsWith("-0700")) {
                b.appendOffset("+HHMM", "+0000");
                zone = true;
                i += 5;
            } else if (rest.startsWith("-07")) {
                b.appendOffset("+HH", "+00");
                zone = true;
                i += 3;
            } else if (rest.startsWith("01")) {
                b.appendValue(ChronoField.MONTH_OF_YEAR, 2);
                i += 2;
            } else if (rest.startsWith("02")) {
                b.appendValue(ChronoField.DAY_OF_MONTH, 2);
                i += 2;
            } else if (rest.startsWith("_2")) {
                b.padNext(2, ' ').appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE);
                i += 2;
            } else if (rest.startsWith("06")) {
                b.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
                year = true;
                i += 2;
            } else if (rest.startsWith("15")) {
                b.appendValue(ChronoField.HOUR_OF_DAY, 2);
                i += 2;
            } else if (rest.startsWith("03")) {
                b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
                i += 2;
            } else if (rest.startsWith("04")) {
                b.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
                i += 2;
            } else if (rest.startsWith("05")) {
                b.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
                // Go accepts a fractional second after the seconds even when the layout has none.
                if (!layout.startsWith(".", i + 2) && !layout.startsWith(",", i + 2)) {
                    b.optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd();
                }
                i += 2;
            } else if (rest.startsWith("PM") || rest.startsWith("pm")) {
                b.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
                i += 2;
            } else if (rest.matches("^[.,](0+|9+).*")) {
                int digits = 1;
                while (i + digits < layout.length() && layout.charAt(i + digits) == layout.charAt(i + 1)) {
                    digits++;
                }
                digits--;
                boolean optional = layout.charAt(i + 1) == '9';
                b.appendFraction(ChronoField.NANO_OF_SECOND, optional ? 0 : digits, 9, true);
                i += digits + 1;
            } else if (rest.startsWith("1")) {
                b.appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, SignStyle.NOT_NEGATIVE);
                i += 1;
            } else if (rest.startsWith("2")) {
                b.appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE);
                i += 1;
            } else if (rest.startsWith("3")) {
                b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 1, 2, SignStyle.NOT_NEGATIVE);
                i += 1;
            } else if (rest.startsWith("4")) {
                b.appendValue(ChronoField.MINUTE_OF_HOUR, 1, 2, SignStyle.NOT_NEGATIVE);
                i += 1;
            } else if (rest.startsWith("5")) {
                b.appendValue(ChronoField.SECOND_OF_MINUTE, 1, 2, SignStyle.NOT_NEGATIVE);
                i += 1;
            } else {
                char c = layout.charAt(i);
                if (Character.isDigit(c)) {
                    throw new IllegalArgumentException("timestampFormat \"" + layout + "\": \"" + rest
                            + "\" is not part of Go's reference time Mon Jan 2 15:04:05 MST 2006; write the layout as Go's time.Parse expects");
                }
                b.appendLiteral(c);
                i += 1;
            }
        }
        return new GoTimeLayout(layout, b.toFormatter(Locale.ENGLISH), year, zone);
    }
}
