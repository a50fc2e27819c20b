package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemons.kernellog.config.PluginConfig;
import dev.nodemedic.daemons.kernellog.source.FileLineFormat;

/**
 * The traditional syslog kernel line, {@code Nov  3 10:00:01 node-1 kernel: [ 1234.567890] message}:
 * the format our {@code kernel-monitor-filelog.json} declares and the one used when a syslog file is
 * chosen for a config that names none (see {@link FileLineFormat#SYSLOG_KERNEL_MESSAGE} for how it
 * differs from NPD's). The bracketed uptime is optional, as some syslog daemons leave it out.
 */
final class KernLogFormat {
    static final PluginConfig PLUGIN_CONFIG = new PluginConfig(FileLineFormat.SYSLOG_TIMESTAMP, FileLineFormat.SYSLOG_KERNEL_MESSAGE, FileLineFormat.SYSLOG_LAYOUT, "");

    private KernLogFormat() {
    }
}
