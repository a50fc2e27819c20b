package dev.nodemedic.daemons.systemstats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NPD's series, names, labels and values, from a fake node's /proc, /sys and /etc, with an NPD-shaped config. */
class SystemStatsCycleTest {
    private static final System.Logger LOG = System.getLogger("system-stats-test");
    private static final Instant T0 = Instant.parse("2026-12-07T05:00:00Z");

    @TempDir
    Path dir;
    private FakeNode node;
    private SystemStatsConfig config;
    private SystemStatsCycle cycle;

    @BeforeEach
    void fakeNode() throws Exception {
        node = new FakeNode(dir.resolve("node"));
        Path configFile = Path.of(getClass().getResource("/system-stats-monitor.json").toURI());
        config = new ConfigBinder().bind(configFile, SystemStatsConfig.class);
        cycle = new SystemStatsCycle(config, node.paths, Optional.of(configFile), LOG);
    }

    @Test
    void cpuSeriesCarryNpdsNamesLabelsAndUnits() {
        Scrape scrape = new Scrape(cycle.collect(T0));

        assertThat(scrape.value("cpu_load_1m", Map.of())).isEqualTo(0.52);
        assertThat(scrape.value("cpu_load_5m", Map.of())).isEqualTo(0.58);
        assertThat(scrape.value("cpu_load_15m", Map.of())).isEqualTo(0.59);
        assertThat(scrape.value("cpu_runnable_task_count", Map.of())).isEqualTo(0.52);
        // NPD multiplies gopsutil's seconds by USER_HZ: the value is /proc/stat's ticks.
        assertThat(scrape.value("cpu_usage_time", Map.of("state", "user"))).isEqualTo(1_180_381);
        assertThat(scrape.value("cpu_usage_time", Map.of("state", "softirq"))).isEqualTo(5064);
        assertThat(scrape.series("cpu_usage_time")).hasSize(10);
        assertThat(scrape.value("system_cpu_stat", Map.of("cpu", "cpu1", "stage", "softIRQ"))).isEqualTo(26.98, within(1e-9));
        assertThat(scrape.series("system_cpu_stat")).hasSize(20);
        assertThat(scrape.value("system_interrupts_total", Map.of())).isEqualTo(8000);
        assertThat(scrape.value("system_processes_total", Map.of())).isEqualTo(4000);
        assertThat(scrape.value("system_procs_running", Map.of())).isEqualTo(3);
        assertThat(scrape.value("system_procs_blocked", Map.of())).isEqualTo(1);
        assertThat(scrape.family("cpu_usage_time").orElseThrow().type()).isEqualTo(MetricFamily.Type.COUNTER);
        assertThat(scrape.family("cpu_load_1m").orElseThrow().type()).isEqualTo(MetricFamily.Type.GAUGE);
    }

    @Test
    void countersFollowTheKernelsRunningTotals() throws Exception {
        cycle.collect(T0);
        node.stat(1_180_481, 4_010, 8_500);

        Scrape scrape = new Scrape(cycle.collect(T0.plusSeconds(60)));

        assertThat(scrape.value("cpu_usage_time", Map.of("state", "user"))).isEqualTo(1_180_481);
        assertThat(scrape.value("system_processes_total", Map.of())).isEqualTo(4010);
        assertThat(scrape.value("system_interrupts_total", Map.of())).isEqualTo(8500);
    }

    @Test
    void diskIoPerDeviceOfLsblksListAndOfMountedFileSystems() {
        Scrape scrape = new Scrape(cycle.collect(T0));

        // sda and nvme0n1 are whole devices, sda1 is mounted; loop0 is empty, sdb is neither.
        assertThat(scrape.series("disk_io_time")).containsExactlyInAnyOrder(
                Map.of("device_name", "sda"), Map.of("device_name", "sda1"), Map.of("device_name", "nvme0n1"));
        assertThat(scrape.value("disk_io_time", Map.of("device_name", "sda"))).isEqualTo(1000);
        assertThat(scrape.value("disk_weighted_io", Map.of("device_name", "sda"))).isEqualTo(2000);
        assertThat(scrape.value("disk_operation_count", Map.of("device_name", "sda", "direction", "read"))).isEqualTo(11);
        assertThat(scrape.value("disk_operation_count", Map.of("device_name", "sda", "direction", "write"))).isEqualTo(22);
        assertThat(scrape.value("disk_merged_operation_count", Map.of("device_name", "sda", "direction", "write"))).isEqualTo(3);
        assertThat(scrape.value("disk_operation_bytes_count", Map.of("device_name", "sda", "direction", "read"))).isEqualTo(800 * 512);
        assertThat(scrape.value("disk_operation_time", Map.of("device_name", "sda", "direction", "write"))).isEqualTo(50);
        assertThat(scrape.family("disk_avg_queue_len")).as("needs two cycles, as NPD's").isEmpty();
    }

    @Test
    void averageQueueLengthIsWeightedIoAddedOverTheTimeBetweenCycles() throws Exception {
        cycle.collect(T0);
        node.diskstats(1500, 2000 + 30_000);

        Scrape scrape = new Scrape(cycle.collect(T0.plus(Duration.ofSeconds(60))));

        assertThat(scrape.value("disk_avg_queue_len", Map.of("device_name", "sda"))).isEqualTo(0.5);
        assertThat(scrape.value("disk_avg_queue_len", Map.of("device_name", "sda1"))).isZero();
    }

    @Test
    void diskSpaceOfEachMountedDeviceOnceWithItsFileSystemAndOptions() throws Exception {
        Scrape scrape = new Scrape(cycle.collect(T0));

        Map<String, String> used = Map.of("device_name", "sda1", "fs_type", "ext4", "mount_option", "rw,relatime", "state", "used");
        Map<String, String> free = Map.of("device_name", "sda1", "fs_type", "ext4", "mount_option", "rw,relatime", "state", "free");
        assertThat(scrape.series("disk_bytes_used")).containsExactlyInAnyOrder(used, free);
        FileStore store = Files.getFileStore(node.mountPoint);
        assertThat(scrape.value("disk_bytes_used", used)).isCloseTo(store.getTotalSpace() - store.getUnallocatedSpace(), within(64.0 * 1024 * 1024));
        assertThat(scrape.value("disk_percent_used", used) + scrape.value("disk_percent_used", free)).isEqualTo(100.0, within(1e-9));
    }

    @Test
    void memoryStatesAddUpToTheNodesMemoryInBytes() {
        Scrape scrape = new Scrape(cycle.collect(T0));

        assertThat(scrape.value("memory_bytes_used", Map.of("state", "free"))).isEqualTo(4_096_000.0 * 1024);
        assertThat(scrape.value("memory_bytes_used", Map.of("state", "used"))).isEqualTo((16_384_000.0 - 4_096_000 - 512_000 - 3_072_000 - 800_000) * 1024);
        double sum = scrape.family("memory_bytes_used").orElseThrow().samples().stream().mapToDouble(MetricFamily.Sample::value).sum();
        assertThat(sum).isEqualTo(16_384_000.0 * 1024);
        assertThat(scrape.value("memory_percent_used", Map.of("state", "used"))).isEqualTo(7_904_000.0 / 16_384_000 * 100, within(1e-9));
        assertThat(scrape.value("memory_anonymous_used", Map.of("state", "inactive"))).isEqualTo(100_000.0 * 1024);
        assertThat(scrape.value("memory_page_cache_used", Map.of("state", "active"))).isEqualTo(3_000_000.0 * 1024);
        assertThat(scrape.value("memory_unevictable_used", Map.of())).isEqualTo(20_000.0 * 1024);
        assertThat(scrape.value("memory_dirty_used", Map.of("state", "writeback"))).isEqualTo(8.0 * 1024);
    }

    @Test
    void hostUptimeInWholeSecondsLabelledWithKernelAndOsVersion() {
        Scrape scrape = new Scrape(cycle.collect(T0));

        assertThat(scrape.value("host_uptime", Map.of("kernel_version", "6.1.0-27-amd64", "os_version", "debian 12.8"))).isEqualTo(10426);
    }

    @Test
    void netCountersPerInterfaceWithoutTheExcludedOnes() {
        Scrape scrape = new Scrape(cycle.collect(T0));

        assertThat(scrape.series("net_rx_bytes")).containsExactlyInAnyOrder(Map.of("interface_name", "lo"), Map.of("interface_name", "eth0"));
        assertThat(scrape.value("net_rx_bytes", Map.of("interface_name", "eth0"))).isEqualTo(12_345_678_901.0);
        assertThat(scrape.value("net_rx_multicast", Map.of("interface_name", "eth0"))).isEqualTo(6);
        assertThat(scrape.value("net_tx_bytes", Map.of("interface_name", "eth0"))).isEqualTo(987_654_321);
        assertThat(scrape.value("net_tx_compressed", Map.of("interface_name", "eth0"))).isEqualTo(12);
        assertThat(scrape.families().stream().filter(f -> f.name().startsWith("net_"))).hasSize(16);
    }

    @Test
    void osFeaturesFromTheKernelCommandLineAndModules() throws Exception {
        Scrape scrape = new Scrape(cycle.collect(T0));

        assertThat(scrape.value("system_os_feature", Map.of("os_feature", "KTD", "value", ""))).isZero();
        assertThat(scrape.value("system_os_feature", Map.of("os_feature", "UnifiedCgroupHierarchy", "value", ""))).isEqualTo(1);
        assertThat(scrape.value("system_os_feature", Map.of("os_feature", "KernelModuleIntegrity", "value", ""))).isEqualTo(1);
        assertThat(scrape.value("system_os_feature", Map.of("os_feature", "GPUSupport", "value", ""))).isEqualTo(1);
        // No known-modules file next to the config: every out-of-tree module that is not nvidia's is unknown.
        assertThat(scrape.value("system_os_feature", Map.of("os_feature", "UnknownModules", "value", "zfs,vendor_agent"))).isEqualTo(1);
    }

    @Test
    void modulesInTheKnownModulesFileAreKnown() throws Exception {
        Path configFile = dir.resolve("config/system-stats-monitor.json");
        Files.createDirectories(configFile.getParent().resolve("guestosconfig"));
        Files.writeString(configFile.getParent().resolve("guestosconfig/known-modules.json"),
                "[{\"moduleName\": \"zfs\"}, {\"moduleName\": \"vendor_agent\", \"outOfTree\": true}]");
        SystemStatsCycle withKnown = new SystemStatsCycle(config, node.paths, Optional.of(configFile), LOG);

        Scrape scrape = new Scrape(withKnown.collect(T0));

        assertThat(scrape.value("system_os_feature", Map.of("os_feature", "UnknownModules", "value", ""))).isZero();
    }

    @Test
    void aComponentThatCannotBeReadIsLeftOutAndTheOthersGoOn() throws Exception {
        Files.delete(node.root.resolve("proc/meminfo"));

        Scrape scrape = new Scrape(cycle.collect(T0));

        assertThat(scrape.family("memory_bytes_used")).isEmpty();
        assertThat(scrape.family("cpu_load_1m")).isPresent();
        assertThat(cycle.failing()).containsExactly(NpdMetric.Component.MEMORY);

        node.write("proc/meminfo", "MemTotal: 100 kB\nMemFree: 50 kB\nBuffers: 0 kB\nCached: 0 kB\nSlab: 0 kB\n");
        assertThat(new Scrape(cycle.collect(T0.plusSeconds(60))).value("memory_bytes_used", Map.of("state", "used"))).isEqualTo(50 * 1024);
        assertThat(cycle.failing()).isEmpty();
    }
}
