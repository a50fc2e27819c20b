package dev.nodemedic.daemons.systemstats;

import dev.nodemedic.daemons.systemstats.NpdMetric.Component;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One system-stats instance's config file: NPD's system-stats-monitor format
 * ({@code system-stats-monitor.json}, {@code net-cgroup-system-stats-monitor.json}), which loads unchanged.
 * A component whose section is absent or lists no metric is not collected, as in NPD; a metric whose
 * {@code displayName} is empty is off.
 *
 * @param cpu            {@code cpu/*} and {@code system/*} from {@code /proc/loadavg} and {@code /proc/stat}
 * @param disk           {@code disk/*} from {@code /proc/diskstats} and the mounted file systems
 * @param host           {@code host/uptime}
 * @param memory         {@code memory/*} from {@code /proc/meminfo}
 * @param osFeature      {@code system/os_feature} from {@code /proc/cmdline} and {@code /proc/modules}
 * @param net            {@code net/*} from {@code /proc/net/dev}
 * @param invokeInterval how often every component is read (NPD's default: 60s)
 * @param procPath       where the node's {@code /proc} is; absent: {@code $HOST_PROC}, else {@code /proc}
 */
public record SystemStatsConfig(Section cpu, DiskSection disk, Section host, Section memory, OsFeatureSection osFeature, NetSection net,
                                Duration invokeInterval, Path procPath) {

    /** NPD's per-metric setting: the name the metric is exported under. */
    public record MetricConfig(String displayName) {
        public MetricConfig {
            displayName = displayName == null ? "" : displayName;
        }
    }

    /** A section that only lists metrics (cpu, host, memory). */
    public record Section(Map<String, MetricConfig> metricsConfigs) {
        static final Section NONE = new Section(null);

        public Section {
            metricsConfigs = metricsConfigs == null ? Map.of() : Map.copyOf(metricsConfigs);
        }
    }

    /**
     * @param includeRootBlk        collect every whole block device (what {@code lsblk -d} lists)
     * @param includeAllAttachedBlk collect every device a mounted file system is on
     * @param lsblkTimeout          NPD's bound on {@code lsblk}; checked as NPD does, though devices are read from {@code /sys/block}, not by running {@code lsblk}
     */
    public record DiskSection(Map<String, MetricConfig> metricsConfigs, Boolean includeRootBlk, Boolean includeAllAttachedBlk, Duration lsblkTimeout) {
        static final DiskSection NONE = new DiskSection(null, null, null, null);

        public DiskSection {
            metricsConfigs = metricsConfigs == null ? Map.of() : Map.copyOf(metricsConfigs);
            includeRootBlk = includeRootBlk != null && includeRootBlk;
            includeAllAttachedBlk = includeAllAttachedBlk != null && includeAllAttachedBlk;
            lsblkTimeout = lsblkTimeout == null ? Duration.ofSeconds(5) : lsblkTimeout;
            if (lsblkTimeout.isNegative() || lsblkTimeout.isZero()) {
                throw new IllegalArgumentException("lsblkTimeout must be above 0s, was " + lsblkTimeout);
            }
        }
    }

    /**
     * @param knownModulesConfigPath  NPD's list of the OS's own kernel modules (a JSON array of
     *                                {@code {"moduleName": ...}}); relative to the config file's folder
     * @param KnownModulesConfigPath  the same, spelled as NPD's shipped file spells it (Go reads JSON keys
     *                                ignoring case); give one of the two
     */
    public record OsFeatureSection(Map<String, MetricConfig> metricsConfigs, String knownModulesConfigPath, String KnownModulesConfigPath) {
        static final OsFeatureSection NONE = new OsFeatureSection(null, null, null);

        public OsFeatureSection {
            metricsConfigs = metricsConfigs == null ? Map.of() : Map.copyOf(metricsConfigs);
            if (knownModulesConfigPath != null && KnownModulesConfigPath != null && !knownModulesConfigPath.equals(KnownModulesConfigPath)) {
                throw new IllegalArgumentException("knownModulesConfigPath is given twice (also as KnownModulesConfigPath) with different values; keep one");
            }
            String path = knownModulesConfigPath != null ? knownModulesConfigPath : KnownModulesConfigPath;
            knownModulesConfigPath = path == null || path.isEmpty() ? "guestosconfig/known-modules.json" : path;
            KnownModulesConfigPath = knownModulesConfigPath;
        }

        /** The known-modules file, relative paths taken from the folder of {@code configFile}, as NPD does. */
        Path knownModules(Optional<Path> configFile) {
            Path path = Path.of(knownModulesConfigPath);
            return path.isAbsolute() ? path : configFile.map(f -> f.toAbsolutePath().getParent()).map(dir -> dir.resolve(path)).orElse(path);
        }
    }

    /** @param excludeInterfaceRegexp interfaces not collected (such as {@code ^(cali|tunl|veth)}), matched anywhere in the name as Go's MatchString does */
    public record NetSection(Map<String, MetricConfig> metricsConfigs, String excludeInterfaceRegexp) {
        static final NetSection NONE = new NetSection(null, null);

        public NetSection {
            metricsConfigs = metricsConfigs == null ? Map.of() : Map.copyOf(metricsConfigs);
            excludeInterfaceRegexp = excludeInterfaceRegexp == null ? "" : excludeInterfaceRegexp;
            try {
                Pattern.compile(excludeInterfaceRegexp);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("excludeInterfaceRegexp \"" + excludeInterfaceRegexp + "\" is not a regular expression: "
                        + e.getDescription() + " at index " + e.getIndex());
            }
        }

        /** Compiled once, when the daemon starts. */
        Optional<Pattern> exclusion() {
            return excludeInterfaceRegexp.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(excludeInterfaceRegexp));
        }
    }

    public SystemStatsConfig {
        cpu = cpu == null ? Section.NONE : cpu;
        disk = disk == null ? DiskSection.NONE : disk;
        host = host == null ? Section.NONE : host;
        memory = memory == null ? Section.NONE : memory;
        osFeature = osFeature == null ? OsFeatureSection.NONE : osFeature;
        net = net == null ? NetSection.NONE : net;
        invokeInterval = invokeInterval == null ? Duration.ofSeconds(60) : invokeInterval;
        if (invokeInterval.isNegative() || invokeInterval.isZero()) {
            throw new IllegalArgumentException("invokeInterval must be above 0s, was " + invokeInterval);
        }
        if (disk.lsblkTimeout().compareTo(invokeInterval) > 0) {
            throw new IllegalArgumentException("disk.lsblkTimeout " + disk.lsblkTimeout() + " must be shorter than invokeInterval " + invokeInterval);
        }
        checkKnown(Component.CPU, cpu.metricsConfigs());
        checkKnown(Component.DISK, disk.metricsConfigs());
        checkKnown(Component.HOST, host.metricsConfigs());
        checkKnown(Component.MEMORY, memory.metricsConfigs());
        checkKnown(Component.OS_FEATURE, osFeature.metricsConfigs());
        checkKnown(Component.NET, net.metricsConfigs());
    }

    /** A metric NPD does not have would silently export nothing; say so where it is written. */
    private static void checkKnown(Component component, Map<String, MetricConfig> configs) {
        for (String id : configs.keySet()) {
            if (NpdMetric.byId(component, id).isEmpty()) {
                throw new IllegalArgumentException(component.section + ".metricsConfigs: \"" + id + "\" is not a metric of the " + component.section
                        + " component; known: " + NpdMetric.idsOf(component));
            }
        }
    }

    /** The metrics this instance exports, each under the Prometheus name of its display name. */
    Map<NpdMetric, String> enabledMetrics() {
        Map<NpdMetric, String> enabled = new EnumMap<>(NpdMetric.class);
        Map<Component, Map<String, MetricConfig>> sections = Map.of(Component.CPU, cpu.metricsConfigs(), Component.DISK, disk.metricsConfigs(),
                Component.HOST, host.metricsConfigs(), Component.MEMORY, memory.metricsConfigs(), Component.OS_FEATURE, osFeature.metricsConfigs(),
                Component.NET, net.metricsConfigs());
        sections.forEach((component, configs) -> configs.forEach((id, config) -> {
            if (!config.displayName().isEmpty()) {
                enabled.put(NpdMetric.byId(component, id).orElseThrow(), NpdMetric.prometheusName(config.displayName()));
            }
        }));
        return enabled;
    }
}
