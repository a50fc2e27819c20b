package dev.nodemedic.daemons.kernellog.config;

/**
 * NPD's {@code plugin} field: where the lines come from. {@link #AUTO}, our default when the field is
 * absent, picks the first of kmsg, a syslog file, journald that this host can read.
 */
public enum SourceKind {
    AUTO("auto"),
    KMSG("kmsg"),
    FILELOG("filelog"),
    JOURNALD("journald");

    private final String configName;

    SourceKind(String configName) {
        this.configName = configName;
    }

    /** The spelling in NPD's files; Jackson 3 reads enums by {@code toString()}. */
    @Override
    public String toString() {
        return configName;
    }
}
