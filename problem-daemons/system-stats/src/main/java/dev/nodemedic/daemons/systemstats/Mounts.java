package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file systems on block devices that the agent can see, the first mount of each device, as NPD
 * lists them (gopsutil's {@code Partitions(false)}): from {@code /proc/self/mountinfo}, keeping the
 * types {@code /proc/filesystems} does not mark {@code nodev} (so no proc, tmpfs, overlay). In a pod
 * these are the host paths mounted into it, so the devices under {@code /var/log} and the like.
 */
final class Mounts {
    /** One mounted device. */
    record Mount(String device, Path mountPoint, String fsType, String options) {
        /** The device's name as NPD labels it: {@code /dev/vda1} is {@code vda1}. */
        String deviceName() {
            return device.startsWith("/dev/") ? device.substring("/dev/".length()) : device;
        }
    }

    private Mounts() {
    }

    static List<Mount> read(Path proc) throws IOException {
        Set<String> virtual = new HashSet<>();
        ProcText filesystems = ProcText.read(proc.resolve("filesystems"));
        while (filesystems.nextLine()) {
            if (filesystems.startsWith("nodev")) {
                filesystems.word();
                virtual.add(filesystems.word());
            }
        }
        Map<String, Mount> byDevice = new LinkedHashMap<>();
        ProcText mountinfo = ProcText.read(proc.resolve("self/mountinfo"));
        while (mountinfo.nextLine()) {
            List<String> fields = new ArrayList<>(12);
            for (String word = mountinfo.word(); !word.isEmpty(); word = mountinfo.word()) {
                fields.add(word);
            }
            int separator = fields.indexOf("-");
            if (separator < 6 || fields.size() < separator + 3) {
                continue;
            }
            String fsType = fields.get(separator + 1);
            String device = fields.get(separator + 2);
            if (virtual.contains(fsType) || !device.startsWith("/")) {
                continue;
            }
            byDevice.putIfAbsent(device, new Mount(device, Path.of(unescape(fields.get(4))), fsType, fields.get(5)));
        }
        return List.copyOf(byDevice.values());
    }

    /** mountinfo writes space, tab, newline and backslash in paths as octal escapes ({@code \040}). */
    private static String unescape(String path) {
        if (path.indexOf('\\') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 3 < path.length() && isOctal(path, i + 1)) {
                out.append((char) Integer.parseInt(path.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String text, int from) {
        for (int i = from; i < from + 3; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
