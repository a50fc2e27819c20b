package dev.nodemedic.daemons.systemstats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SystemStatsConfigTest {
    private final ConfigBinder binder = new ConfigBinder();

    private SystemStatsConfig bind(String json) throws ConfigException {
        return binder.bind("system-stats-monitor.json", json, SystemStatsConfig.class);
    }

    @Test
    void npdsShapeBindsWithItsCapitalisedKnownModulesKey() throws Exception {
        SystemStatsConfig config = binder.bind(Path.of(getClass().getResource("/system-stats-monitor.json").toURI()), SystemStatsConfig.class);

        assertThat(config.invokeInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.disk().includeRootBlk()).isTrue();
        assertThat(config.disk().lsblkTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.osFeature().knownModulesConfigPath()).isEqualTo("guestosconfig/known-modules.json");
        assertThat(config.osFeature().knownModules(Optional.of(Path.of("/etc/npd/system-stats-monitor.json"))))
                .isEqualTo(Path.of("/etc/npd/guestosconfig/known-modules.json"));
        assertThat(config.enabledMetrics()).hasSize(NpdMetric.values().length).containsEntry(NpdMetric.CPU_USAGE_TIME, "cpu_usage_time");
    }

    @Test
    void displayNameIsTheExportedNameAndAnEmptyOneTurnsTheMetricOff() throws Exception {
        SystemStatsConfig config = bind("""
                {"cpu": {"metricsConfigs": {"cpu/load_1m": {"displayName": "node/load-1m"}, "cpu/load_5m": {"displayName": ""}}}}
                """);

        assertThat(config.enabledMetrics()).containsOnlyKeys(NpdMetric.CPU_LOAD_1M).containsEntry(NpdMetric.CPU_LOAD_1M, "node_load_1m");
    }

    @Test
    void anUnknownMetricIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> bind("""
                {"memory": {"metricsConfigs": {"memory/bytes_free": {"displayName": "memory/bytes_free"}}}}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("memory.metricsConfigs: \"memory/bytes_free\" is not a metric of the memory component; known: memory/bytes_used");
    }

    @Test
    void aBadInterfaceExpressionIsRefusedWithTheField() {
        assertThatThrownBy(() -> bind("""
                {"net": {"excludeInterfaceRegexp": "^(cali|veth", "metricsConfigs": {}}}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("excludeInterfaceRegexp \"^(cali|veth\" is not a regular expression");
    }

    @Test
    void intervalsAreCheckedAsNpdChecksThem() {
        assertThatThrownBy(() -> bind("{\"invokeInterval\": \"0s\"}")).hasMessageContaining("invokeInterval must be above 0s");
        assertThatThrownBy(() -> bind("{\"invokeInterval\": \"2s\", \"disk\": {\"lsblkTimeout\": \"5s\"}}"))
                .hasMessageContaining("disk.lsblkTimeout PT5S must be shorter than invokeInterval PT2S");
    }

    @Test
    void prometheusNamesAsNpdsExporterWritesThem() {
        assertThat(NpdMetric.prometheusName("disk/avg_queue_len")).isEqualTo("disk_avg_queue_len");
        assertThat(NpdMetric.prometheusName("9lives")).isEqualTo("key_9lives");
        assertThat(NpdMetric.prometheusName("/x")).isEqualTo("key_x");
    }
}
