package dev.nodemedic.daemons.kernellog.source;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.nodemedic.daemons.kernellog.rules.GoExpression;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Optional;

/**
 * NPD's filelog translator: finds a line's timestamp and message with two regular expressions (the
 * last group of each, or the whole match), and reads the timestamp with a Go layout. Compiled once.
 *
 * <p>A timestamp without a year gets the current year, as NPD does, except that a date ahead of now
 * (December's lines read in January) gets the year before, which NPD gets wrong.
 */
public final class FileLineFormat {
    /** The traditional syslog stamp, {@code Nov  3 10:00:01}, as NPD's kernel-monitor-filelog.json finds it. */
    public static final String SYSLOG_TIMESTAMP = "^.{15}";
    public static final String SYSLOG_LAYOUT = "Jan _2 15:04:05";
    /**
     * The message of a syslog kernel line: after {@code kernel: } and the optional bracketed uptime.
     * NPD's {@code kernel: \[.*\] (.*)} is greedy and runs to the last {@code ]} of the line, so the
     * message of "divide error: 0000 [#1] SMP" becomes "SMP" and rules can never match; this one stops
     * at the first.
     */
    public static final String SYSLOG_KERNEL_MESSAGE = "kernel: (?:\\[\\s*[\\d.]+\\] )?(.*)";

    private final Pattern timestamp;
    private final Pattern message;
    private final GoTimeLayout layout;
    /** As the config wrote them, for messages. */
    private final String timestampRegex;
    private final String messageRegex;
    private final String goLayout;
    private final ZoneId zone;
    private final Clock clock;
    /**
     * RE2/J extracts groups with its NFA, some 15 µs for a kern.log line; the shapes NPD's configs and
     * ours use are read by hand instead ({@link HandReadExpression}; a property test holds both ways to
     * the same result). Null when the expression is of no such shape: RE2/J runs, linear in the line.
     */
    private final HandReadExpression handTimestamp;
    private final HandReadExpression handMessage;
    private final int fixedStampWidth;
    private final boolean syslogKernelMessage;
    /** Syslog stamps have one-second resolution: consecutive lines mostly repeat the last one. */
    private String lastStamp = "";
    private Instant lastInstant = Instant.EPOCH;
    /** {@link #lastStamp}'s bytes when it was found by a fixed width (so all ASCII), to compare a line's bytes with. */
    private final byte[] lastStampBytes;
    private boolean lastStampBytesValid;

    public FileLineFormat(String timestampRegex, String messageRegex, String goLayout, ZoneId zone, Clock clock) {
        this(timestampRegex, messageRegex, goLayout, zone, clock, true);
    }

    FileLineFormat(String timestampRegex, String messageRegex, String goLayout, ZoneId zone, Clock clock, boolean fastPaths) {
        this.timestampRegex = timestampRegex;
        this.messageRegex = messageRegex;
        this.goLayout = goLayout;
        this.timestamp = GoExpression.compile("timestamp", timestampRegex);
        this.message = GoExpression.compile("message", messageRegex);
        this.handTimestamp = fastPaths ? HandReadExpression.recognise(timestampRegex).orElse(null) : null;
        this.handMessage = fastPaths ? HandReadExpression.recognise(messageRegex).orElse(null) : null;
        this.fixedStampWidth = handTimestamp instanceof HandReadExpression.FixedWidth fixed ? fixed.width() : -1;
        this.lastStampBytes = new byte[Math.max(0, fixedStampWidth)];
        this.syslogKernelMessage = fastPaths && messageRegex.equals(SYSLOG_KERNEL_MESSAGE);
        this.layout = GoTimeLayout.parse(goLayout);
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * Translates {@code line} and hands it to {@code sink}.
     *
     * @return false when the line has no timestamp or message the expressions find; nothing was handed on
     */
    public boolean translate(String line, LineSink sink) {
        return translate(line, line.indexOf('\n') < 0, sink);
    }

    private boolean translate(String line, boolean oneLine, LineSink sink) {
        Instant at;
        if (fixedStampWidth > 0 && line.length() >= fixedStampWidth && lastStamp.length() == fixedStampWidth
                && line.regionMatches(0, lastStamp, 0, fixedStampWidth) && plainPrefix(line, fixedStampWidth)) {
            at = lastInstant; // the same second as the line before, without a copy of the stamp
        } else {
            String stamp = stamp(line, oneLine);
            at = stamp == null ? null : instantOf(stamp);
            if (at == null) {
                return false;
            }
        }
        String text = message(line, oneLine);
        if (text == null) {
            return false;
        }
        sink.line(at, text);
        return true;
    }

    /**
     * {@link #translate(String, LineSink)} of the line whose UTF-8 bytes are {@code line[from, to)}
     * (split at a newline, none inside), with the same result as on the decoded line, and without
     * decoding it where the expressions are read by hand: the stamp's bytes are compared with the last
     * stamp's, and the message goes to {@link LineSink#line(Instant, byte[], int, int)} as the bytes it
     * takes. Where the bytes cannot tell (a hand-read expression over non-ASCII text, see
     * {@link HandReadExpression#find}) or an expression is RE2/J's, the line is decoded.
     */
    public boolean translate(byte[] line, int from, int to, LineSink sink) {
        return translate(line, from, to, to, sink);
    }

    /**
     * The byte whose last place in a line helps to find the message
     * ({@link dev.nodemedic.logsources.FileLines} notes it while it looks for the newline): the first of
     * the literal NPD's {@code kernel: \[.*\] (.*)} searches from the line's end for; -1 for other
     * expressions.
     */
    public int marker() {
        return handMessage != null && !syslogKernelMessage ? handMessage.marker() : -1;
    }

    /**
     * {@link #translate(byte[], int, int, LineSink)}, told that no byte after {@code lastMarker} in the
     * line is {@link #marker()} ({@code from - 1}: none; {@code to}: not known): the search from the end
     * starts there, so the line is scanned once, not a second time from its end.
     */
    public boolean translate(byte[] line, int from, int to, int lastMarker, LineSink sink) {
        if (handMessage == null && !syslogKernelMessage) {
            return translate(new String(line, from, to - from, StandardCharsets.UTF_8), true, sink);
        }
        Instant at;
        if (lastStampBytesValid && to - from >= fixedStampWidth && sameStamp(line, from)) {
            at = lastInstant; // the same second as the line before, without a copy of the stamp
        } else {
            long found = handTimestamp == null ? HandReadExpression.UNDECIDED : handTimestamp.find(line, from, to);
            if (found == HandReadExpression.UNDECIDED) {
                return translate(new String(line, from, to - from, StandardCharsets.UTF_8), true, sink);
            }
            if (found == HandReadExpression.NO_MATCH) {
                return false;
            }
            int start = HandReadExpression.start(found);
            int end = HandReadExpression.end(found);
            at = instantOf(new String(line, start, end - start, StandardCharsets.UTF_8));
            if (at == null) {
                return false;
            }
            // Only a stamp found by its width is known to be ASCII and to be the line's first bytes.
            lastStampBytesValid = end - start == fixedStampWidth && start == from;
            if (lastStampBytesValid) {
                System.arraycopy(line, start, lastStampBytes, 0, fixedStampWidth);
            }
        }
        long text = syslogKernelMessage ? syslogKernelMessage(line, from, to) : handMessage.find(line, from, to, lastMarker);
        if (text == HandReadExpression.UNDECIDED) {
            return translate(new String(line, from, to - from, StandardCharsets.UTF_8), true, sink);
        }
        if (text == HandReadExpression.NO_MATCH) {
            return false;
        }
        int start = HandReadExpression.start(text);
        sink.line(at, line, start, HandReadExpression.end(text) - start);
        return true;
    }

    /**
     * The instant of {@code stamp}: the last line's when it is the same stamp (a kernel log has many lines
     * a second), else read and kept for the next line; null when it does not read with the layout. A new
     * stamp's bytes are not known to be the kept ones until the byte path says so.
     */
    private Instant instantOf(String stamp) {
        if (stamp.equals(lastStamp)) {
            return lastInstant;
        }
        Instant at;
        try {
            at = instant(stamp);
        } catch (DateTimeException e) {
            return null;
        }
        lastStamp = stamp;
        lastInstant = at;
        lastStampBytesValid = false;
        return at;
    }

    private boolean sameStamp(byte[] line, int from) {
        byte[] last = lastStampBytes;
        for (int i = 0; i < last.length; i++) {
            if (line[from + i] != last[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@link #syslogKernelMessage(String)} on the bytes; all it looks for is ASCII. */
    private static long syslogKernelMessage(byte[] line, int from, int to) {
        int at = HandReadExpression.indexOf(line, from, to, KERNEL);
        if (at < 0) {
            return HandReadExpression.NO_MATCH;
        }
        int start = at + KERNEL.length;
        int i = start;
        if (i < to && line[i] == '[') {
            i++;
            while (i < to && line[i] >= 0 && isRe2Space((char) line[i])) {
                i++;
            }
            int digits = i;
            while (i < to && (line[i] == '.' || (line[i] >= '0' && line[i] <= '9'))) {
                i++;
            }
            if (i > digits && i + 1 < to && line[i] == ']' && line[i + 1] == ' ') {
                start = i + 2;
            }
        }
        return HandReadExpression.range(start, to);
    }

    private static final byte[] KERNEL = "kernel: ".getBytes(StandardCharsets.US_ASCII);

    /**
     * Which {@code pluginConfig} field a line that does not parse fails, the first of NPD's three steps that
     * fails as in NPD's translator: the timestamp expression finds nothing, what it finds does not read with the
     * layout, or the message expression finds nothing.
     *
     * @param field    {@code pluginConfig.timestamp}, {@code pluginConfig.timestampFormat} or {@code pluginConfig.message}
     * @param expected that field's value in the config
     * @param why      a sentence on what failed, naming the field, without the line's text
     */
    public record Mismatch(String field, String expected, String why) {
    }

    /**
     * Why {@code line} does not parse; empty when it does. Decodes and matches the line again, so it is for the
     * first line of a run that does not parse, not for every line.
     */
    public Optional<Mismatch> mismatch(String line) {
        String stamp = stamp(line);
        if (stamp == null) {
            return Optional.of(new Mismatch("pluginConfig.timestamp", timestampRegex,
                    "pluginConfig.timestamp \"" + timestampRegex + "\" finds no timestamp in it"));
        }
        try {
            instant(stamp);
        } catch (DateTimeException e) {
            return Optional.of(new Mismatch("pluginConfig.timestampFormat", goLayout,
                    "the timestamp pluginConfig.timestamp finds in it does not read as pluginConfig.timestampFormat \"" + goLayout + "\""));
        }
        if (message(line) == null) {
            return Optional.of(new Mismatch("pluginConfig.message", messageRegex,
                    "pluginConfig.message \"" + messageRegex + "\" finds no message in it"));
        }
        return Optional.empty();
    }

    /** The timestamp's text, or null when the expression does not find one. */
    String stamp(String line) {
        return stamp(line, line.indexOf('\n') < 0);
    }

    private String stamp(String line, boolean oneLine) {
        if (handTimestamp != null && oneLine) {
            return handTimestamp.extract(line);
        }
        Matcher t = timestamp.matcher(line);
        if (!t.find()) {
            return null;
        }
        return t.groupCount() == 0 ? t.group() : lastGroup(t);
    }

    /** "." is a code point, not a char, and never a newline: only plain chars let a substring stand for ^.{n}. */
    private static boolean plainPrefix(String line, int width) {
        for (int i = 0; i < width; i++) {
            char c = line.charAt(i);
            if (c == '\n' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The message's text, or null when the expression does not find one. */
    String message(String line) {
        return message(line, line.indexOf('\n') < 0);
    }

    private String message(String line, boolean oneLine) {
        if ((syslogKernelMessage || handMessage != null) && oneLine) {
            return syslogKernelMessage ? syslogKernelMessage(line) : handMessage.extract(line);
        }
        Matcher m = message.matcher(line);
        if (!m.find()) {
            return null;
        }
        return m.groupCount() == 0 ? m.group() : lastGroup(m);
    }

    /**
     * {@link #SYSLOG_KERNEL_MESSAGE} by hand: the leftmost match starts at the first "kernel: " (what
     * follows can always match), takes the bracketed uptime when it is complete (the group is greedy),
     * and the rest of the line is the message.
     */
    private static String syslogKernelMessage(String line) {
        int at = line.indexOf("kernel: ");
        if (at < 0) {
            return null;
        }
        int start = at + 8;
        int i = start;
        if (i < line.length() && line.charAt(i) == '[') {
            i++;
            while (i < line.length() && isRe2Space(line.charAt(i))) {
                i++;
            }
            int digits = i;
            while (i < line.length() && (line.charAt(i) == '.' || (line.charAt(i) >= '0' && line.charAt(i) <= '9'))) {
                i++;
            }
            if (i > digits && line.startsWith("] ", i)) {
                start = i + 2;
            }
        }
        return line.substring(start);
    }

    /** RE2's \s: [\t\n\f\r ], narrower than Java's. */
    private static boolean isRe2Space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    /** NPD uses the last group of a match; a group that did not take part counts as empty. */
    private static String lastGroup(Matcher m) {
        String group = m.group(m.groupCount());
        return group == null ? "" : group;
    }

    Instant instant(String stamp) {
        TemporalAccessor parsed = layout.formatter().parse(stamp);
        ZonedDateTime now = clock.instant().atZone(zone);
        int year = layout.hasYear() ? parsed.get(ChronoField.YEAR) : now.getYear();
        LocalDateTime local = LocalDateTime.of(year, parsed.get(ChronoField.MONTH_OF_YEAR), parsed.get(ChronoField.DAY_OF_MONTH),
                parsed.isSupported(ChronoField.HOUR_OF_DAY) ? parsed.get(ChronoField.HOUR_OF_DAY) : 0,
                parsed.isSupported(ChronoField.MINUTE_OF_HOUR) ? parsed.get(ChronoField.MINUTE_OF_HOUR) : 0,
                parsed.isSupported(ChronoField.SECOND_OF_MINUTE) ? parsed.get(ChronoField.SECOND_OF_MINUTE) : 0,
                parsed.isSupported(ChronoField.NANO_OF_SECOND) ? parsed.get(ChronoField.NANO_OF_SECOND) : 0);
        ZoneId parsedZone = parsed.query(TemporalQueries.zone());
        ZoneId lineZone = parsedZone == null ? zone : parsedZone;
        ZonedDateTime at = local.atZone(lineZone);
        if (!layout.hasYear() && at.isAfter(now.plusDays(1))) {
            at = at.minusYears(1);
        }
        return at.toInstant();
    }
}
