package dev.nodemedic.daemons.diskpressure;

/**
 * One look at a filesystem, as statvfs(3) reports it. "Used" is what the kubelet counts as used:
 * everything that is not available to an unprivileged writer, reserved blocks included, so the
 * percentages compare directly with its eviction thresholds (nodefs.available &lt; 10 %).
 *
 * @param totalBytes     f_blocks × f_frsize
 * @param availableBytes f_bavail × f_frsize
 * @param totalInodes    f_files; 0 on filesystems without a fixed inode table (btrfs, some network filesystems)
 * @param freeInodes     f_ffree
 */
record Usage(long totalBytes, long availableBytes, long totalInodes, long freeInodes) {
    Usage {
        if (totalBytes < 0 || availableBytes < 0 || totalInodes < 0 || freeInodes < 0) {
            throw new IllegalArgumentException("totalBytes, availableBytes, totalInodes, freeInodes must not be negative: "
                    + totalBytes + ", " + availableBytes + ", " + totalInodes + ", " + freeInodes);
        }
    }

    long usedBytes() {
        return Math.max(0, totalBytes - availableBytes);
    }

    long usedInodes() {
        return Math.max(0, totalInodes - freeInodes);
    }

    /** Bytes used, in percent of the total; 0 for an empty filesystem (total 0: proc-like mounts). */
    double bytesUsedPercent() {
        return totalBytes == 0 ? 0 : 100.0 * usedBytes() / totalBytes;
    }

    /** Whether this filesystem counts inodes at all. */
    boolean hasInodes() {
        return totalInodes > 0;
    }

    double inodesUsedPercent() {
        return totalInodes == 0 ? 0 : 100.0 * usedInodes() / totalInodes;
    }
}
