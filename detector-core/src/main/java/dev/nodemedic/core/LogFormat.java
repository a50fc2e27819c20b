package dev.nodemedic.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the agent's log lines look. Everything logs through java.util.logging (our SLF4J provider,
 * PF4J through SLF4J, Vert.x and the JDK directly), so one formatter shapes every line.
 */
public enum LogFormat {
    /** {@code 2026-11-23T15:04:05.123Z INFO  supervision  daemon started daemon=kernel-log} for people. */
    text,
    /** One JSON object per line for log collectors. */
    json;

    /** PF4J narrates each step at INFO; the agent logs its own line per plugin, so keep only PF4J's warnings. */
    private static final Logger PF4J = Logger.getLogger("org.pf4j");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Replaces the JDK's default two-line console format on stderr with this one. */
    public void install(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(this == json ? new JsonFormatter() : new TextFormatter());
        root.addHandler(handler);
        root.setLevel(level);
        PF4J.setLevel(level.intValue() > Level.WARNING.intValue() ? level : Level.WARNING);
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "-";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static String level(Level level) {
        return switch (level.getName()) {
            case "SEVERE" -> "ERROR";
            case "WARNING" -> "WARN";
            case "INFO", "CONFIG" -> "INFO";
            case "FINE" -> "DEBUG";
            default -> "TRACE";
        };
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /**
     * Whether {@code c} must not reach a terminal or a log viewer raw: C0 and C1 controls and DEL (an ESC
     * sequence rewrites the terminal, a CR or NUL hides what came before it) and the Unicode bidi
     * controls, which reorder what a reader sees (a file name, a reason or a message from a remote
     * daemon or a log line can carry any of them).
     */
    static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * The text with every {@linkplain #unsafe unsafe} character written as a visible escape ({@code \n},
     * {@code \r}, {@code \t}, else {@code \}{@code uXXXX}); {@code newlines} keeps line breaks (and tabs) of a stack trace.
     */
    static String printable(String text, boolean newlines) {
        int i = 0;
        while (i < text.length() && !unsafe(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c) || (newlines && (c == '\n' || c == '\t'))) {
                out.append(c);
            } else {
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out.toString();
    }

    private static final class TextFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(160);
            line.append(TIME.format(record.getInstant())).append(' ');
            String level = level(record.getLevel());
            line.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
            // One record is one line: whatever a message carries (a line break, an ESC sequence, a bidi
            // override from a remote daemon's reason) is shown escaped, never acted on by the terminal.
            line.append(shortName(record.getLoggerName())).append("  ").append(printable(formatMessage(record), false)).append('\n');
            if (record.getThrown() != null) {
                line.append(printable(stackTrace(record.getThrown()), true));
            }
            return line.toString();
        }
    }

    private static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(200);
            line.append("{\"time\":\"").append(TIME.format(record.getInstant())).append("\",\"level\":\"").append(level(record.getLevel()))
                    .append("\",\"logger\":");
            quote(line, record.getLoggerName());
            line.append(",\"message\":");
            quote(line, formatMessage(record));
            if (record.getThrown() != null) {
                line.append(",\"error\":");
                quote(line, stackTrace(record.getThrown()));
            }
            return line.append("}\n").toString();
        }

        /** JSON's own two escapes here; {@link #printable} writes every unsafe character as a JSON escape too. */
        private static void quote(StringBuilder out, String text) {
            String s = text == null ? "" : text;
            out.append('"').append(printable(s.replace("\\", "\\\\").replace("\"", "\\\""), false)).append('"');
        }
    }

}
