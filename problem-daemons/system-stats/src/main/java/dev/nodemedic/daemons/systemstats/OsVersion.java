package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code os_version} label of {@code host_uptime}: "platform version" as NPD's gopsutil derives
 * it from the host's {@code /etc}: {@code ubuntu 22.04} (lsb-release), {@code debian 12.5}
 * (debian_version), else the lsb-release id and release, else os-release's {@code ID} and
 * {@code VERSION_ID} ({@code cos 113}, {@code rhel 9.4}, {@code amzn 2023}).
 */
final class OsVersion {
    private OsVersion() {
    }

    static String of(Path etc) throws IOException {
        Map<String, String> lsb = keyValues(etc.resolve("lsb-release"));
        Path debianVersion = etc.resolve("debian_version");
        if (Files.exists(debianVersion)) {
            if ("Ubuntu".equals(lsb.get("DISTRIB_ID"))) {
                return "ubuntu " + lsb.getOrDefault("DISTRIB_RELEASE", "");
            }
            List<String> lines = Files.readAllLines(debianVersion);
            return "debian " + (lines.isEmpty() ? "" : lines.getFirst().strip());
        }
        if (lsb.containsKey("DISTRIB_ID")) {
            return lsb.get("DISTRIB_ID").toLowerCase(Locale.ROOT) + " " + lsb.getOrDefault("DISTRIB_RELEASE", "");
        }
        Map<String, String> osRelease = keyValues(etc.resolve("os-release"));
        if (osRelease.isEmpty()) {
            throw new IOException(etc.resolve("os-release") + " is missing or empty: the OS version for host_uptime's os_version label is unknown"
                    + " (in a pod, mount the host's /etc/os-release at $HOST_ETC/os-release)");
        }
        return osRelease.getOrDefault("ID", "") + " " + osRelease.getOrDefault("VERSION_ID", "");
    }

    /** KEY=value lines, values unquoted; an absent file is empty. */
    private static Map<String, String> keyValues(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return values;
        }
        for (String line : lines) {
            int equals = line.indexOf('=');
            if (equals > 0 && !line.startsWith("#")) {
                String value = line.substring(equals + 1).strip();
                if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'') && value.charAt(value.length() - 1) == value.charAt(0)) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(line.substring(0, equals).strip(), value);
            }
        }
        return values;
    }
}
