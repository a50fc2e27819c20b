package dev.nodemedic.daemons.systemstats;

import dev.nodemedic.daemon.api.MetricFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One instance's collection: every component its config asks for, read once per cycle into the
 * families the agent exports. A component whose source cannot be read is left out of that cycle
 * (its series leave {@code /metrics} rather than show stale values) and said once in the log, and
 * again once it reads again; the others go on, as in NPD.
 */
final class SystemStatsCycle {
    private final Map<NpdMetric, String> enabled;
    private final List<Collector> collectors;
    private final System.Logger logger;
    private final Set<NpdMetric.Component> failing = EnumSet.noneOf(NpdMetric.Component.class);

    SystemStatsCycle(SystemStatsConfig config, HostPaths paths, Optional<Path> configFile, System.Logger logger) {
        this.enabled = config.enabledMetrics();
        this.logger = logger;
        Set<NpdMetric.Component> asked = EnumSet.noneOf(NpdMetric.Component.class);
        enabled.keySet().forEach(metric -> asked.add(metric.component));
        List<Collector> all = List.of(
                new CpuCollector(paths),
                new DiskCollector(paths, config.disk()),
                new HostCollector(paths),
                new MemoryCollector(paths),
                new OsFeatureCollector(paths, config.osFeature().knownModules(configFile), logger),
                new NetCollector(paths, config.net().exclusion()));
        this.collectors = all.stream().filter(c -> asked.contains(c.component())).toList();
    }

    /** The components this instance reads. */
    List<NpdMetric.Component> components() {
        return collectors.stream().map(Collector::component).toList();
    }

    /** Reads every component once; the scheduler calls it every invokeInterval, tests call it directly. */
    List<MetricFamily> collect(Instant now) {
        Samples samples = new Samples(enabled);
        for (Collector collector : collectors) {
            try {
                collector.collect(now, samples);
                if (failing.remove(collector.component())) {
                    logger.log(System.Logger.Level.INFO, "component reads again component={0}", collector.component().section);
                }
            } catch (IOException | UncheckedIOException e) {
                if (failing.add(collector.component())) {
                    logger.log(System.Logger.Level.WARNING, "component cannot be read; its series are left out until it can component={0} error=\"{1}\"",
                            collector.component().section, e.getMessage());
                }
            }
        }
        return samples.families();
    }

    /** The components whose last read failed. */
    Set<NpdMetric.Component> failing() {
        return Set.copyOf(failing);
    }
}
