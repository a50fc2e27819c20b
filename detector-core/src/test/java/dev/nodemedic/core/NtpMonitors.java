package dev.nodemedic.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The reload tests' monitors in NPD's custom-plugin-monitor.json shape: NTPProblem and ClockSkew, each
 * checked by a script in the test's folder, one round of checks at each start.
 */
final class NtpMonitors {
    static final String NTP_PROBLEM_DECLARED = """
            {"type": "NTPProblem", "reason": "NTPIsUp", "message": "ntp service is up"}""";
    static final String CLOCK_SKEW_DECLARED = """
            {"type": "ClockSkew", "reason": "ClockInSync", "message": "the clock is in sync"}""";
    static final String NTP_PROBLEM_RULE = """
            {"type": "permanent", "condition": "NTPProblem", "reason": "NTPIsDown", "path": "{ntp_down}"}""";
    static final String CLOCK_SKEW_RULE = """
            {"type": "permanent", "condition": "ClockSkew", "reason": "ClockSkewed", "path": "{clock_skewed}"}""";

    private NtpMonitors() {
    }

    /** A monitor file's text: its scripts are {@code ntp_down.sh} and {@code clock_skewed.sh} in {@code root}. */
    static String monitor(Path root, String source, String conditions, String rules) {
        return """
                {"plugin": "custom", "source": "%s",
                 "pluginConfig": {"invoke_interval": "1h", "timeout": "5s"},
                 "conditions": [%s],
                 "rules": [%s]}
                """.formatted(source, conditions, rules).replace("{ntp_down}", root.resolve("ntp_down.sh").toString())
                .replace("{clock_skewed}", root.resolve("clock_skewed.sh").toString());
    }

    static void script(Path root, String name, String body) throws IOException {
        Path script = Files.writeString(root.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
