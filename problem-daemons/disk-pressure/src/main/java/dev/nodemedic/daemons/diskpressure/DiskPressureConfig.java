package dev.nodemedic.daemons.diskpressure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The disk-pressure daemon's config. Every field has a default; without a file it watches the root
 * filesystem and the kubelet's and container runtime's data directories that exist.
 *
 * <p>The default levels sit before the kubelet acts. Its defaults: image garbage collection from 85 %
 * used down to 80 %; hard eviction at nodefs.available &lt; 10 % (90 % used), imagefs.available
 * &lt; 15 % (85 % used; on the usual node the images share the root disk, so this is the first level
 * the kubelet evicts at) and nodefs.inodesFree &lt; 5 % (95 % inodes used). So DiskFilling rises at
 * 80 % bytes used, five points before the first of those, and at 90 % inodes used, five points before
 * inode eviction; it clears five points lower, so a disk hovering at the level does not flap.
 *
 * @param mounts             paths whose filesystems are watched; absent or empty: "/" and those of
 *                           /var/lib/kubelet, /var/lib/containerd, /var/lib/docker, /var/lib/containers that exist
 * @param interval           how often to look (default 30s)
 * @param bytesRaisePercent  DiskFilling rises when a filesystem has this much of its bytes used (default 80)
 * @param bytesClearPercent  and clears when it is back under this (default 75)
 * @param inodesRaisePercent the same for inodes (default 90)
 * @param inodesClearPercent (default 85)
 * @param fillHorizon        DiskFillingFast rises while a filesystem is predicted full within this (default 4h)
 * @param trendWindow        the recent past the fill rate is taken from (default 1h)
 */
public record DiskPressureConfig(List<Path> mounts, Duration interval, Double bytesRaisePercent, Double bytesClearPercent,
                                 Double inodesRaisePercent, Double inodesClearPercent, Duration fillHorizon, Duration trendWindow) {
    /** Where kubelet and the runtimes keep their data by default (kubelet, containerd, Docker, CRI-O/Podman). */
    static final List<Path> DEFAULT_DATA_DIRS = List.of(Path.of("/var/lib/kubelet"), Path.of("/var/lib/containerd"),
            Path.of("/var/lib/docker"), Path.of("/var/lib/containers"));

    public DiskPressureConfig {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        interval = interval == null ? Duration.ofSeconds(30) : interval;
        bytesRaisePercent = bytesRaisePercent == null ? 80.0 : bytesRaisePercent;
        bytesClearPercent = bytesClearPercent == null ? bytesRaisePercent - 5 : bytesClearPercent;
        inodesRaisePercent = inodesRaisePercent == null ? 90.0 : inodesRaisePercent;
        inodesClearPercent = inodesClearPercent == null ? inodesRaisePercent - 5 : inodesClearPercent;
        fillHorizon = fillHorizon == null ? Duration.ofHours(4) : fillHorizon;
        trendWindow = trendWindow == null ? Duration.ofHours(1) : trendWindow;

        for (Path mount : mounts) {
            if (!mount.isAbsolute()) {
                throw new IllegalArgumentException("mounts: \"" + mount + "\" is relative; write an absolute path such as /var/lib/kubelet");
            }
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " must be positive, such as 30s");
        }
        requireLevels("bytesRaisePercent", bytesRaisePercent, "bytesClearPercent", bytesClearPercent);
        requireLevels("inodesRaisePercent", inodesRaisePercent, "inodesClearPercent", inodesClearPercent);
        if (fillHorizon.isNegative() || fillHorizon.isZero()) {
            throw new IllegalArgumentException("fillHorizon: " + fillHorizon + " must be positive, such as 4h");
        }
        if (trendWindow.compareTo(interval.multipliedBy(GrowthTrend.MIN_SAMPLES * 4L)) < 0) {
            throw new IllegalArgumentException("trendWindow: " + trendWindow + " is too short for interval " + interval + "; a fill rate needs "
                    + GrowthTrend.MIN_SAMPLES + " looks over a quarter of the window, so make it at least " + interval.multipliedBy(GrowthTrend.MIN_SAMPLES * 4L));
        }
    }

    private static void requireLevels(String raiseName, double raise, String clearName, double clear) {
        if (!(raise > 0 && raise <= 100)) {
            throw new IllegalArgumentException(raiseName + ": " + raise + " is not a percentage; write more than 0 and at most 100");
        }
        if (!(clear >= 0 && clear < raise)) {
            throw new IllegalArgumentException(clearName + ": " + clear + " must be below " + raiseName + " (" + raise
                    + "), or the condition could never clear; the default is 5 points lower");
        }
    }

    /** The paths to watch: the configured ones, or "/" and the default data directories that exist. */
    List<Path> watched(Predicate<Path> exists) {
        if (!mounts.isEmpty()) {
            return mounts;
        }
        List<Path> out = new ArrayList<>();
        out.add(Path.of("/"));
        DEFAULT_DATA_DIRS.stream().filter(exists).forEach(out::add);
        return List.copyOf(out);
    }
}
