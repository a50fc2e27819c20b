package dev.nodemedic.daemons.systemstats;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.ProblemDaemon;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.pf4j.Extension;

/**
 * NPD's system-stats-monitor: reads NPD's config file unchanged and exports NPD's series
 * ({@code cpu_usage_time{state}}, {@code disk_io_time{device_name}}, {@code host_uptime{kernel_version,os_version}},
 * ...) under NPD's names on the agent's {@code /metrics}, read from the node's {@code /proc} and
 * {@code /sys} every {@code invokeInterval}. It owns no condition: like NPD's, it only measures.
 */
@Extension
public final class SystemStatsDaemon implements ProblemDaemon<SystemStatsConfig> {
    private DaemonContext<SystemStatsConfig> context;
    private SystemStatsCycle cycle;
    private ScheduledFuture<?> collections;

    @Override
    public String name() {
        return "system-stats";
    }

    @Override
    public Class<SystemStatsConfig> configType() {
        return SystemStatsConfig.class;
    }

    @Override
    public List<ConditionDeclaration> conditions(SystemStatsConfig config) {
        return List.of();
    }

    @Override
    public void start(DaemonContext<SystemStatsConfig> context) {
        start(context, HostPaths.of(System.getenv(), Optional.ofNullable(context.config().procPath())));
    }

    /** Starts with the given view of the node; tests give a fake {@code /proc} tree. */
    void start(DaemonContext<SystemStatsConfig> context, HostPaths paths) {
        this.context = context;
        // NPD refuses a procPath that is not there; so do we, at start, where the operator sees it.
        if (!Files.isDirectory(paths.proc())) {
            throw new IllegalStateException(paths.proc() + " is not a directory: the node's /proc is not there (set procPath in "
                    + context.configFile().map(Object::toString).orElse("the config") + ", or HOST_PROC, to where it is mounted)");
        }
        cycle = new SystemStatsCycle(context.config(), paths, context.configFile(), context.logger());
        if (cycle.components().isEmpty()) {
            // An instance with no file (the default one, when the jar is in plugins/): NPD runs no system-stats monitor either.
            context.logger().log(System.Logger.Level.INFO, "no metric enabled; give this instance an NPD system-stats-monitor file config={0}",
                    context.configFile().map(Object::toString).orElse("none"));
        } else {
            context.logger().log(System.Logger.Level.INFO, "collecting components={0} every={1} proc={2}",
                    cycle.components().stream().map(c -> c.section).toList(), context.config().invokeInterval(), paths.proc());
        }
        long every = context.config().invokeInterval().toMillis();
        collections = context.scheduler().scheduleAtFixedRate(this::collect, 0, every, TimeUnit.MILLISECONDS);
    }

    /** One cycle: read, then publish; the scheduler calls it, so do tests. */
    void collect() {
        context.publishMetrics(cycle.collect(context.clock().instant()));
    }

    @Override
    public void stop() {
        if (collections != null) {
            collections.cancel(false);
        }
    }
}
