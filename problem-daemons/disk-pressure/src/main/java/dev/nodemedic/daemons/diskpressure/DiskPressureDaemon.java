package dev.nodemedic.daemons.diskpressure;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemons.diskpressure.MountTable.Mount;
import dev.nodemedic.daemons.diskpressure.MountWatch.Reading;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * Watches the node's filesystems: {@code DiskFilling} while bytes or inodes used are over their
 * level (with hysteresis), {@code DiskFillingFast} while one is predicted full within the horizon,
 * {@code MountReadOnly} while a watched mount that was writable is read-only, which the kernel log
 * does not always say (XFS, NFS, bind mounts; the kernel-log daemon keeps NPD's ReadonlyFilesystem).
 */
@Extension
public final class DiskPressureDaemon implements ProblemDaemon<DiskPressureConfig> {
    static final String FILLING = "DiskFilling";
    static final String FAST = "DiskFillingFast";
    static final String READ_ONLY = "MountReadOnly";
    private static final String HAS_SPACE = "every watched filesystem has space and inodes left";
    private static final String NOT_FAST = "no watched filesystem is predicted to fill up soon";
    private static final String WRITABLE = "every watched mount is writable";

    private final Supplier<Host> hosts;
    private volatile DaemonContext<DiskPressureConfig> context;
    private Host host;
    private List<MountWatch> watches;
    private boolean looked;
    private ScheduledFuture<?> checks;

    public DiskPressureDaemon() {
        this(LinuxHost::new);
    }

    DiskPressureDaemon(Supplier<Host> hosts) {
        this.hosts = hosts;
    }

    @Override
    public String name() {
        return "disk-pressure";
    }

    @Override
    public Class<DiskPressureConfig> configType() {
        return DiskPressureConfig.class;
    }

    @Override
    public List<ConditionDeclaration> conditions(DiskPressureConfig config) {
        return List.of(new ConditionDeclaration(FILLING, "DiskHasSpace", HAS_SPACE),
                new ConditionDeclaration(FAST, "DiskNotFillingFast", NOT_FAST),
                new ConditionDeclaration(READ_ONLY, "MountsWritable", WRITABLE));
    }

    @Override
    public List<ReasonDeclaration> reasons(DiskPressureConfig config) {
        return List.of(ReasonDeclaration.condition(FILLING, "DiskAlmostFull"), ReasonDeclaration.condition(FILLING, "InodesAlmostExhausted"),
                ReasonDeclaration.condition(FAST, "DiskFillingFast"), ReasonDeclaration.condition(READ_ONLY, "MountReadOnly"));
    }

    @Override
    public void start(DaemonContext<DiskPressureConfig> context) {
        open(context);
        long every = context.config().interval().toMillis();
        checks = context.scheduler().scheduleWithFixedDelay(() -> check(context.clock().instant()), 0, every, TimeUnit.MILLISECONDS);
    }

    /** Everything {@link #start} does but scheduling; tests call {@link #check} with the time they set. */
    void open(DaemonContext<DiskPressureConfig> context) {
        this.context = context;
        this.host = hosts.get();
        List<Path> paths = context.config().watched(host::exists);
        watches = distinctFilesystems(paths);
        context.logger().log(Level.INFO, "disk-pressure watching instance={0} paths=\"{1}\" every={2}", context.instanceName(),
                String.join(" ", watches.stream().map(w -> w.path().toString()).toList()), context.config().interval());
    }

    /**
     * One watch per filesystem: /var/lib/kubelet on the root filesystem (or bind-mounted from it) would
     * only repeat the root's figures. The first path named for a filesystem is the one messages use.
     */
    private List<MountWatch> distinctFilesystems(List<Path> paths) {
        Optional<MountTable> table = mountTable().table();
        Set<String> devices = new HashSet<>();
        List<MountWatch> out = new ArrayList<>();
        for (Path path : paths) {
            Optional<String> device = table.flatMap(t -> t.mountOf(path)).map(Mount::device);
            if (device.isEmpty() || devices.add(device.get())) {
                out.add(new MountWatch(path, context.config()));
            }
        }
        return List.copyOf(out);
    }

    /** The mount table, or why it cannot be read. */
    private MountTableRead mountTable() {
        try {
            return new MountTableRead(Optional.of(MountTable.parse(host.mountInfo())), "");
        } catch (IOException | IllegalArgumentException e) {
            return new MountTableRead(Optional.empty(), "/proc/self/mountinfo cannot be read: " + e.getMessage());
        }
    }

    /** The mount table as read this time, or why it could not be. */
    private record MountTableRead(Optional<MountTable> table, String why) {
    }

    /**
     * Looks at every watched filesystem once and sets the three conditions. The scheduler calls it;
     * tests call it with the time they set.
     *
     * @return what each filesystem that could be read looked like
     */
    List<Reading> check(Instant now) {
        DiskPressureConfig config = context.config();
        List<Reading> readings = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (MountWatch watch : watches) {
            try {
                readings.add(watch.observe(now, host.usage(watch.path())));
            } catch (IOException e) {
                failures.add(watch.path() + ": " + e.getMessage());
            }
        }
        reportFilling(readings, failures);
        reportFast(readings, failures, config.fillHorizon());
        reportReadOnly(mountTable());
        looked = true;
        return List.copyOf(readings);
    }

    private void reportFilling(List<Reading> readings, List<String> failures) {
        List<String> full = new ArrayList<>();
        boolean bytes = false;
        for (Reading r : readings) {
            List<String> figures = new ArrayList<>();
            if (r.bytesFilling()) {
                bytes = true;
                figures.add(percent(r.usage().bytesUsedPercent()) + " bytes used");
            }
            if (r.inodesFilling()) {
                figures.add(percent(r.usage().inodesUsedPercent()) + " inodes used");
            }
            if (!figures.isEmpty()) {
                full.add(r.path() + ": " + String.join(", ", figures) + r.bytesFullIn().map(d -> ", predicted full in " + text(d)).orElse(""));
            }
        }
        if (!full.isEmpty()) {
            context.setCondition(FILLING, ConditionStatus.TRUE, bytes ? "DiskAlmostFull" : "InodesAlmostExhausted", String.join("; ", full));
        } else if (!failures.isEmpty()) {
            context.setCondition(FILLING, ConditionStatus.UNKNOWN, "DiskStatsUnavailable", String.join("; ", failures));
        } else {
            context.setCondition(FILLING, ConditionStatus.FALSE, "DiskHasSpace", HAS_SPACE);
        }
    }

    private void reportFast(List<Reading> readings, List<String> failures, Duration horizon) {
        List<String> fast = new ArrayList<>();
        for (Reading r : readings) {
            Optional<Duration> bytesSoon = r.bytesFullIn().filter(d -> d.compareTo(horizon) <= 0);
            Optional<Duration> inodesSoon = r.inodesFullIn().filter(d -> d.compareTo(horizon) <= 0);
            bytesSoon.ifPresent(d -> fast.add(r.path() + ": " + percent(r.usage().bytesUsedPercent()) + " bytes used, predicted full in " + text(d)));
            inodesSoon.ifPresent(d -> fast.add(r.path() + ": " + percent(r.usage().inodesUsedPercent()) + " inodes used, inodes predicted exhausted in " + text(d)));
        }
        if (!fast.isEmpty()) {
            context.setCondition(FAST, ConditionStatus.TRUE, "DiskFillingFast", String.join("; ", fast));
        } else if (!failures.isEmpty() && readings.isEmpty()) {
            context.setCondition(FAST, ConditionStatus.UNKNOWN, "DiskStatsUnavailable", String.join("; ", failures));
        } else {
            context.setCondition(FAST, ConditionStatus.FALSE, "DiskNotFillingFast", NOT_FAST);
        }
    }

    private void reportReadOnly(MountTableRead read) {
        if (read.table().isEmpty()) {
            context.setCondition(READ_ONLY, ConditionStatus.UNKNOWN, "MountInfoUnreadable", read.why());
            return;
        }
        List<String> readOnly = new ArrayList<>();
        for (MountWatch watch : watches) {
            Optional<Mount> mount = read.table().get().mountOf(watch.path());
            if (mount.isEmpty()) {
                continue;
            }
            Mount m = mount.get();
            if (watch.turnedReadOnly(m.readOnly(), !looked)) {
                readOnly.add(watch.path() + ": " + m.source() + " on " + m.mountPoint() + " (" + m.fsType() + ") is read-only"
                        + (m.superOptions().contains("ro") ? " (the filesystem itself; the kernel remounts it so after errors)" : ""));
            } else if (!looked && watch.readOnlyAtFirstLook()) {
                context.logger().log(Level.INFO, "mount read-only from the first look, not reported as a change instance={0} path={1} mount={2}",
                        context.instanceName(), watch.path(), m.mountPoint());
            }
        }
        if (readOnly.isEmpty()) {
            context.setCondition(READ_ONLY, ConditionStatus.FALSE, "MountsWritable", WRITABLE);
        } else {
            context.setCondition(READ_ONLY, ConditionStatus.TRUE, "MountReadOnly", String.join("; ", readOnly));
        }
    }

    /** Whole percent, rounded down: "93 %" only once it is 93. */
    private static String percent(double value) {
        return (long) Math.floor(value) + " %";
    }

    /**
     * A prediction as people say it, in steps that keep the message from changing on every look (each
     * change is a write to the node): 10-minute steps from an hour up ("2h10m"), minutes below.
     */
    static String text(Duration d) {
        long minutes = d.toMinutes();
        if (minutes < 1) {
            return "under a minute";
        }
        if (minutes >= 48 * 60) {
            return (minutes / (24 * 60)) + "d";
        }
        return GoDuration.formatShort(Duration.ofMinutes(minutes < 60 ? minutes : minutes - minutes % 10));
    }

    @Override
    public void stop() {
        if (checks != null) {
            checks.cancel(false);
        }
    }
}
