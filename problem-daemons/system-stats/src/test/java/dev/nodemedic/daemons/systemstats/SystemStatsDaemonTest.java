package dev.nodemedic.daemons.systemstats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemStatsDaemonTest {
    @TempDir
    Path dir;

    private final SystemStatsDaemon daemon = new SystemStatsDaemon();
    private RecordingDaemonContext<SystemStatsConfig> context;

    private SystemStatsConfig npdShapedConfig() throws Exception {
        return new ConfigBinder().bind(Path.of(getClass().getResource("/system-stats-monitor.json").toURI()), SystemStatsConfig.class);
    }

    @AfterEach
    void stop() {
        daemon.stop();
        if (context != null) {
            context.close();
        }
    }

    /** The scheduler's first cycle runs at once; wait for what it published, within a bound. */
    private List<MetricFamily> firstPublication() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (context.published().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return context.published();
    }

    @Test
    void startPublishesNpdsSeriesAtOnceAndOwnsNoCondition() throws Exception {
        FakeNode node = new FakeNode(dir);
        SystemStatsConfig config = npdShapedConfig();
        context = new RecordingDaemonContext<>("system-stats", config, null, new ManualClock(Instant.parse("2026-12-07T05:00:00Z")), daemon.conditions(config));

        daemon.start(context, node.paths);

        Scrape scrape = new Scrape(firstPublication());
        assertThat(scrape.value("host_uptime", Map.of("kernel_version", "6.1.0-27-amd64", "os_version", "debian 12.8"))).isEqualTo(10426);
        assertThat(scrape.value("cpu_load_15m", Map.of())).isEqualTo(0.59);
        assertThat(daemon.conditions(config)).isEmpty();
    }

    @Test
    void aMissingProcIsRefusedAtStartNamingWhereItLooked() throws Exception {
        SystemStatsConfig config = npdShapedConfig();
        context = new RecordingDaemonContext<>("system-stats", config, dir.resolve("system-stats-monitor.json"), new ManualClock(), List.of());

        assertThatThrownBy(() -> daemon.start(context, new HostPaths(dir.resolve("nowhere/proc"), dir, dir)))
                .hasMessageContaining("nowhere/proc is not a directory")
                .hasMessageContaining("set procPath in " + dir.resolve("system-stats-monitor.json"));
    }

    @Test
    void procPathOfTheConfigWinsOverHostProc() {
        HostPaths paths = HostPaths.of(Map.of("HOST_PROC", "/host/proc", "HOST_SYS", "/host/sys"), Optional.of(Path.of("/npd/proc")));

        assertThat(paths).isEqualTo(new HostPaths(Path.of("/npd/proc"), Path.of("/host/sys"), Path.of("/etc")));
        assertThat(HostPaths.of(Map.of("HOST_PROC", "/host/proc"), Optional.empty()).proc()).isEqualTo(Path.of("/host/proc"));
    }
}
