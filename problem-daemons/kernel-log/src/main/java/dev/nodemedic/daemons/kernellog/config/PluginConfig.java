package dev.nodemedic.daemons.kernellog.config;

import dev.nodemedic.daemons.kernellog.rules.GoExpression;

/**
 * NPD's {@code pluginConfig}, typed: the keys NPD's filelog and journald watchers read. An absent key
 * is the empty string.
 *
 * @param timestamp       filelog: regular expression finding the timestamp; its last group is used
 * @param message         filelog: regular expression finding the message; its last group is used
 * @param timestampFormat filelog: the timestamp's layout in Go's syntax, such as {@code Jan _2 15:04:05}
 * @param source          journald: the {@code SYSLOG_IDENTIFIER} to follow, such as {@code kernel}
 */
public record PluginConfig(String timestamp, String message, String timestampFormat, String source) {
    public static final PluginConfig NONE = new PluginConfig("", "", "", "");

    public PluginConfig {
        timestamp = timestamp == null ? "" : timestamp;
        message = message == null ? "" : message;
        timestampFormat = timestampFormat == null ? "" : timestampFormat;
        source = source == null ? "" : source;
        if (!timestamp.isEmpty()) {
            GoExpression.compile("timestamp", timestamp);
        }
        if (!message.isEmpty()) {
            GoExpression.compile("message", message);
        }
    }
}
