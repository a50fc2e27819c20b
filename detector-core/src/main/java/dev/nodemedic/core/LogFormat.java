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

    private static final class TextFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(160);
            line.append(TIME.format(record.getInstant())).append(' ');
            String level = level(record.getLevel());
            line.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
            line.append(shortName(record.getLoggerName())).append("  ").append(formatMessage(record)).append('\n');
            if (record.getThrown() != null) {
                line.append(stackTrace(record.getThrown()));
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

        private static void quote(StringBuilder out, String text) {
            out.append('"');
            String s = text == null ? "" : text;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

}
