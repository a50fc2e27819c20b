package dev.nodemedic.daemons.diskpressure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** One watched path's state across looks: the hysteresis of DiskFilling, the fill trends and whether it was seen writable. */
final class MountWatch {
    /**
     * What one look found.
     *
     * @param bytesFilling  over the bytes level (with hysteresis)
     * @param inodesFilling over the inodes level (with hysteresis)
     * @param bytesFullIn   when the bytes run out at the recent rate, if they grow
     * @param inodesFullIn  when the inodes run out at the recent rate, if they grow
     */
    record Reading(Path path, Usage usage, boolean bytesFilling, boolean inodesFilling, Optional<Duration> bytesFullIn,
                   Optional<Duration> inodesFullIn) {
    }

    private final Path path;
    private final DiskPressureConfig config;
    private final GrowthTrend bytes;
    private final GrowthTrend inodes;
    private boolean bytesFilling;
    private boolean inodesFilling;
    private boolean seenWritable;
    private boolean readOnlyAtFirstLook;

    MountWatch(Path path, DiskPressureConfig config) {
        this.path = path;
        this.config = config;
        this.bytes = new GrowthTrend(config.trendWindow());
        this.inodes = new GrowthTrend(config.trendWindow());
    }

    Path path() {
        return path;
    }

    Reading observe(Instant now, Usage usage) {
        double bytesUsed = usage.bytesUsedPercent();
        bytesFilling = bytesFilling ? bytesUsed >= config.bytesClearPercent() : bytesUsed >= config.bytesRaisePercent();
        double inodesUsed = usage.inodesUsedPercent();
        inodesFilling = usage.hasInodes() && (inodesFilling ? inodesUsed >= config.inodesClearPercent() : inodesUsed >= config.inodesRaisePercent());
        bytes.add(now, usage.usedBytes());
        Optional<Duration> inodesFullIn = Optional.empty();
        if (usage.hasInodes()) {
            inodes.add(now, usage.usedInodes());
            inodesFullIn = inodes.timeUntilFull(usage.freeInodes());
        }
        return new Reading(path, usage, bytesFilling, inodesFilling, bytes.timeUntilFull(usage.availableBytes()), inodesFullIn);
    }

    /**
     * Whether this path's mount has turned read-only: it must have been seen writable first. Node images
     * with a read-only root (and containers with readOnlyRootFilesystem) are read-only by design, and
     * reporting them would make the condition True for ever on those nodes.
     *
     * @return true while read-only after having been writable
     */
    boolean turnedReadOnly(boolean readOnly, boolean firstLook) {
        if (!readOnly) {
            seenWritable = true;
            return false;
        }
        if (firstLook) {
            readOnlyAtFirstLook = true;
        }
        return seenWritable;
    }

    boolean readOnlyAtFirstLook() {
        return readOnlyAtFirstLook && !seenWritable;
    }
}
