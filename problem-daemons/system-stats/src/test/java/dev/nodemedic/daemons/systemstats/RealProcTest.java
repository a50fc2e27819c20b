package dev.nodemedic.daemons.systemstats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** This machine's own /proc, /sys and /etc: every metric the NPD-shaped config enables is published. */
@EnabledOnOs(OS.LINUX)
class RealProcTest {

    @Test
    void everyMetricTheConfigEnablesAppearsFromThisMachinesProc() throws Exception {
        Path configFile = Path.of(getClass().getResource("/system-stats-monitor.json").toURI());
        SystemStatsConfig config = new ConfigBinder().bind(configFile, SystemStatsConfig.class);
        SystemStatsCycle cycle = new SystemStatsCycle(config, HostPaths.of(Map.of(), Optional.empty()), Optional.of(configFile), System.getLogger("real-proc"));

        cycle.collect(Instant.now());
        // The average queue length needs a second cycle, as NPD's.
        Map<String, MetricFamily> published = cycle.collect(Instant.now().plusSeconds(60)).stream()
                .collect(Collectors.toMap(MetricFamily::name, f -> f));

        assertThat(cycle.failing()).as("components that could not be read").isEmpty();
        for (String name : config.enabledMetrics().values()) {
            if (name.startsWith("disk_bytes_used") || name.startsWith("disk_percent_used")) {
                // Space is per mounted block device; a machine whose / is an overlay on no block device has none.
                if (!hasBlockDeviceMount()) {
                    continue;
                }
            }
            assertThat(published).as("published families").containsKey(name);
            assertThat(published.get(name).samples()).as(name + " series").isNotEmpty();
        }
        assertThat(published.get("host_uptime").samples().getFirst().labels()).containsKeys("kernel_version", "os_version");
    }

    private static boolean hasBlockDeviceMount() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(line -> line.matches(".* - (ext4|xfs|btrfs|ext3|ext2|vfat) /dev/.*"));
    }
}
