package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;

/**
 * NPD's host component: {@code host_uptime{kernel_version,os_version}}, whole seconds since boot
 * from {@code /proc/uptime}. The versions are read once: both change only with a reboot, which
 * restarts the agent.
 */
final class HostCollector implements Collector {
    private final HostPaths paths;
    private Map<String, String> labels;

    HostCollector(HostPaths paths) {
        this.paths = paths;
    }

    @Override
    public NpdMetric.Component component() {
        return NpdMetric.Component.HOST;
    }

    @Override
    public void collect(Instant now, Samples out) throws IOException {
        if (labels == null) {
            String kernel = Files.readString(paths.proc().resolve("sys/kernel/osrelease")).strip();
            labels = Map.of("kernel_version", kernel, "os_version", OsVersion.of(paths.etc()));
        }
        ProcText uptime = ProcText.read(paths.proc().resolve("uptime"));
        uptime.nextLine();
        out.add(NpdMetric.HOST_UPTIME, labels, Math.floor(uptime.decimal()));
    }
}
