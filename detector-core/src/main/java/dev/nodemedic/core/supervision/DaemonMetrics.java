package dev.nodemedic.core.supervision;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code nodemedic_daemon_up{daemon,plugin}} and {@code nodemedic_daemon_restarts{daemon,plugin}}: one
 * pair per running instance, gone with the instance, read from the supervisor's latest snapshot.
 */
public final class DaemonMetrics implements Consumer<List<DaemonStatus>> {
    private final MeterRegistry registry;
    private final Map<String, List<Gauge>> gauges = new HashMap<>();
    private volatile Map<String, DaemonStatus> latest = Map.of();

    public DaemonMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void accept(List<DaemonStatus> statuses) {
        Map<String, DaemonStatus> byName = new HashMap<>();
        statuses.forEach(s -> byName.put(s.instanceName(), s));
        latest = Map.copyOf(byName);
        Set<String> gone = new HashSet<>(gauges.keySet());
        gone.removeAll(byName.keySet());
        for (String name : gone) {
            gauges.remove(name).forEach(registry::remove);
        }
        for (DaemonStatus status : statuses) {
            gauges.computeIfAbsent(status.instanceName(), name -> List.of(
                    Gauge.builder("nodemedic_daemon_up", this, m -> m.up(name))
                            .description("1 while the daemon instance runs, 0 while it backs off after a failure or its lease has lapsed")
                            .tag("daemon", name).tag("plugin", status.pluginId()).register(registry),
                    Gauge.builder("nodemedic_daemon_restarts", this, m -> m.restarts(name))
                            .description("how often the daemon instance was restarted after a failure")
                            .tag("daemon", name).tag("plugin", status.pluginId()).register(registry)));
        }
    }

    private double up(String name) {
        DaemonStatus status = latest.get(name);
        return status != null && status.state() == DaemonState.RUNNING ? 1 : 0;
    }

    private double restarts(String name) {
        DaemonStatus status = latest.get(name);
        return status == null ? 0 : status.restarts();
    }
}
