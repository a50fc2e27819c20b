package dev.nodemedic.daemons.diskpressure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The mounts of /proc/self/mountinfo (proc(5)), one line each:
 * {@code 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue}.
 */
record MountTable(List<Mount> mounts) {
    /**
     * One mount.
     *
     * @param device       the filesystem's major:minor; two mounts with one device are one filesystem
     * @param mountPoint   where it is mounted
     * @param options      the per-mount options ({@code ro} for a read-only bind mount)
     * @param fsType       such as {@code ext4}
     * @param source       such as {@code /dev/nvme0n1p1}
     * @param superOptions the filesystem's own options: {@code ro} here when the kernel remounted it read-only after errors
     */
    record Mount(String device, Path mountPoint, Set<String> options, String fsType, String source, Set<String> superOptions) {
        Mount {
            options = Set.copyOf(options);
            superOptions = Set.copyOf(superOptions);
        }

        /** Read-only either as a mount or as a filesystem: writes fail in both cases. */
        boolean readOnly() {
            return options.contains("ro") || superOptions.contains("ro");
        }
    }

    MountTable {
        mounts = List.copyOf(mounts);
    }

    /**
     * Parses mountinfo text.
     *
     * @throws IllegalArgumentException naming the line that does not have mountinfo's shape
     */
    static MountTable parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            // Six fixed fields, optional fields, "-", then type, source and super options.
            if (fields.length < 10 || separator < 6 || separator + 3 >= fields.length) {
                throw new IllegalArgumentException("mountinfo line " + (i + 1) + " does not have the fields proc(5) describes: \"" + line + "\"");
            }
            mounts.add(new Mount(fields[2], Path.of(unescape(fields[4])), Set.of(fields[5].split(",")), fields[separator + 1],
                    unescape(fields[separator + 2]), Set.of(fields[separator + 3].split(","))));
        }
        return new MountTable(mounts);
    }

    /**
     * The mount holding {@code path}: the longest mount point it lies under and, of several mounts on
     * that point, the last, which hides the ones before it.
     */
    Optional<Mount> mountOf(Path path) {
        Mount best = null;
        for (Mount mount : mounts) {
            if (path.startsWith(mount.mountPoint())
                    && (best == null || mount.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
                best = mount;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The kernel writes space, tab, newline and backslash in paths as octal escapes such as {@code \040}. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
