package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * NPD's disk component: I/O from {@code /proc/diskstats} per device, and space used per mounted
 * device from statfs.
 *
 * <p>Which devices, as NPD's two switches say: {@code includeRootBlk} takes the whole block devices
 * ({@code lsblk -d}'s list: {@code /sys/block} without RAM disks and empty devices, such as unused
 * loop devices), {@code includeAllAttachedBlk} the devices of mounted file systems; with neither,
 * every device in {@code /proc/diskstats}. Counters are the kernel's running totals;
 * {@code disk_avg_queue_len} is the weighted I/O time added since the last cycle over the time between
 * the two, so it appears from the second cycle on, as NPD's does.
 */
final class DiskCollector implements Collector {
    /** /proc/diskstats counts 512-byte sectors whatever the device's own sector size. */
    private static final long SECTOR_BYTES = 512;

    private final HostPaths paths;
    private final boolean includeRootBlk;
    private final boolean includeAllAttachedBlk;
    /** Weighted I/O milliseconds per device at the last cycle, and when that was. */
    private Map<String, Long> lastWeightedIo = Map.of();
    private Instant lastSample;
    /** statfs handles by mount point: FileStore re-reads statfs on every call, finding one reads the mount table. */
    private Map<Path, FileStore> stores = Map.of();

    DiskCollector(HostPaths paths, SystemStatsConfig.DiskSection config) {
        this.paths = paths;
        this.includeRootBlk = config.includeRootBlk();
        this.includeAllAttachedBlk = config.includeAllAttachedBlk();
    }

    @Override
    public NpdMetric.Component component() {
        return NpdMetric.Component.DISK;
    }

    @Override
    public void collect(Instant now, Samples out) throws IOException {
        List<Mounts.Mount> mounts = Mounts.read(paths.proc());
        Optional<Set<String>> devices = devices(mounts);
        readDiskstats(now, devices, out);
        if (out.wants(NpdMetric.DISK_BYTES_USED) || out.wants(NpdMetric.DISK_PERCENT_USED)) {
            readUsage(mounts, out);
        }
    }

    private Optional<Set<String>> devices(List<Mounts.Mount> mounts) throws IOException {
        if (!includeRootBlk && !includeAllAttachedBlk) {
            return Optional.empty();
        }
        Set<String> devices = new HashSet<>();
        if (includeRootBlk) {
            devices.addAll(wholeDevices());
        }
        if (includeAllAttachedBlk) {
            mounts.forEach(mount -> devices.add(mount.deviceName()));
        }
        return Optional.of(devices);
    }

    private List<String> wholeDevices() throws IOException {
        Path block = paths.sys().resolve("block");
        try (Stream<Path> entries = Files.list(block)) {
            return entries.filter(DiskCollector::listedByLsblk).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new IOException(block + " does not exist: whole block devices cannot be listed (in a pod, mount the host's /sys at $HOST_SYS)", e);
        }
    }

    /** lsblk leaves out RAM disks (major 1, named ram*) and devices of size 0 (loop devices with no file behind them). */
    private static boolean listedByLsblk(Path device) {
        if (device.getFileName().toString().startsWith("ram")) {
            return false;
        }
        try {
            return !Files.readString(device.resolve("size")).strip().equals("0");
        } catch (IOException e) {
            return true;
        }
    }

    private void readDiskstats(Instant now, Optional<Set<String>> devices, Samples out) throws IOException {
        ProcText text = ProcText.read(paths.proc().resolve("diskstats"));
        Map<String, Long> weightedIo = new HashMap<>();
        double elapsedMs = lastSample == null ? 0 : Duration.between(lastSample, now).toNanos() / 1e6;
        while (text.nextLine()) {
            text.number();
            text.number();
            String name = text.word();
            if (devices.isPresent() && !devices.get().contains(name)) {
                continue;
            }
            long reads = text.number();
            long mergedReads = text.number();
            long sectorsRead = text.number();
            long readMs = text.number();
            long writes = text.number();
            long mergedWrites = text.number();
            long sectorsWritten = text.number();
            long writeMs = text.number();
            text.number();
            long ioMs = text.number();
            long weightedMs = text.number();

            Map<String, String> device = Map.of("device_name", name);
            out.add(NpdMetric.DISK_IO_TIME, device, ioMs);
            out.add(NpdMetric.DISK_WEIGHTED_IO, device, weightedMs);
            Long before = lastWeightedIo.get(name);
            if (before != null) {
                out.add(NpdMetric.DISK_AVG_QUEUE_LEN, device, before == weightedMs || elapsedMs <= 0 ? 0 : (weightedMs - before) / elapsedMs);
            }
            weightedIo.put(name, weightedMs);

            Map<String, String> read = Map.of("device_name", name, "direction", "read");
            Map<String, String> write = Map.of("device_name", name, "direction", "write");
            out.add(NpdMetric.DISK_OPERATION_COUNT, read, reads);
            out.add(NpdMetric.DISK_OPERATION_COUNT, write, writes);
            out.add(NpdMetric.DISK_MERGED_OPERATION_COUNT, read, mergedReads);
            out.add(NpdMetric.DISK_MERGED_OPERATION_COUNT, write, mergedWrites);
            out.add(NpdMetric.DISK_OPERATION_BYTES_COUNT, read, sectorsRead * SECTOR_BYTES);
            out.add(NpdMetric.DISK_OPERATION_BYTES_COUNT, write, sectorsWritten * SECTOR_BYTES);
            out.add(NpdMetric.DISK_OPERATION_TIME, read, readMs);
            out.add(NpdMetric.DISK_OPERATION_TIME, write, writeMs);
        }
        lastWeightedIo = weightedIo;
        lastSample = now;
    }

    private void readUsage(List<Mounts.Mount> mounts, Samples out) throws IOException {
        Map<Path, FileStore> current = new HashMap<>();
        for (Mounts.Mount mount : mounts) {
            FileStore store = stores.get(mount.mountPoint());
            if (store == null) {
                try {
                    store = Files.getFileStore(mount.mountPoint());
                } catch (IOException e) {
                    continue; // unmounted since the table was read, or not reachable from here: NPD skips it too
                }
            }
            current.put(mount.mountPoint(), store);
            long total = store.getTotalSpace();
            long free = store.getUsableSpace();
            long used = total - store.getUnallocatedSpace();
            Map<String, String> usedLabels = Map.of("device_name", mount.deviceName(), "fs_type", mount.fsType(), "mount_option", mount.options(), "state", "used");
            Map<String, String> freeLabels = Map.of("device_name", mount.deviceName(), "fs_type", mount.fsType(), "mount_option", mount.options(), "state", "free");
            out.add(NpdMetric.DISK_BYTES_USED, freeLabels, free);
            out.add(NpdMetric.DISK_BYTES_USED, usedLabels, used);
            // gopsutil's UsedPercent: used over what a user could have (used + available), not over the size.
            double percent = used + free == 0 ? 0 : (double) used / (used + free) * 100.0;
            out.add(NpdMetric.DISK_PERCENT_USED, freeLabels, 100.0 - percent);
            out.add(NpdMetric.DISK_PERCENT_USED, usedLabels, percent);
        }
        stores = current;
    }
}
