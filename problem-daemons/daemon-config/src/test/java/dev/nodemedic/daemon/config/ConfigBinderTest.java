package dev.nodemedic.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigBinderTest {
    enum Plugin { kmsg, filelog, journald }

    record Rule(String type, String reason, String pattern) {
        Rule {
            if (pattern == null || pattern.isEmpty()) {
                throw new IllegalArgumentException("pattern must not be empty");
            }
        }
    }

    record Monitor(Plugin plugin, String logPath, Duration lookback, Integer bufferSize, List<Rule> rules) {
        Monitor {
            plugin = plugin == null ? Plugin.kmsg : plugin;
            lookback = lookback == null ? Duration.ZERO : lookback;
            bufferSize = bufferSize == null ? 10 : bufferSize;
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    private final ConfigBinder binder = new ConfigBinder();

    @Test
    void bindsNpdStyleJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kernel-monitor.json");
        Files.writeString(file, """
                {
                  "plugin": "kmsg",
                  "logPath": "/dev/kmsg",
                  "lookback": "5m",
                  "bufferSize": 10,
                  "rules": [
                    {"type": "temporary", "reason": "OOMKilling", "pattern": "Killed process \\\\d+"}
                  ]
                }
                """);
        Monitor monitor = binder.bind(file, Monitor.class);
        assertThat(monitor.lookback()).isEqualTo(Duration.ofMinutes(5));
        assertThat(monitor.rules()).extracting(Rule::reason).containsExactly("OOMKilling");
        assertThat(monitor.rules().getFirst().pattern()).isEqualTo("Killed process \\d+");
    }

    @Test
    void emptyFileAndDefaultsGiveEveryDefault() throws Exception {
        assertThat(binder.bind("empty.yaml", "", Monitor.class).bufferSize()).isEqualTo(10);
        assertThat(binder.defaults(Monitor.class).plugin()).isEqualTo(Plugin.kmsg);
    }

    @Test
    void unknownFieldNamesFileLineFieldAndSuggestsTheNearest() {
        assertThatThrownBy(() -> binder.bind("agent.yaml", """
                plugin: kmsg
                logpath: /dev/kmsg
                """, Monitor.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("agent.yaml:2:1: logpath: unknown field \"logpath\"; did you mean \"logPath\"?")
                .hasMessageContaining("known fields: bufferSize, logPath, lookback, plugin, rules");
    }

    @Test
    void aBadValueInsideAListNamesItsIndexAndTheRecordsOwnMessage() {
        assertThatThrownBy(() -> binder.bind("kernel-monitor.json", """
                {"rules": [
                  {"type": "temporary", "reason": "A", "pattern": "a"},
                  {"type": "temporary", "reason": "B", "pattern": ""}
                ]}""", Monitor.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kernel-monitor.json:3:")
                .hasMessageContaining("rules[1]")
                .hasMessageEndingWith("pattern must not be empty");
    }

    @Test
    void aWrongEnumSaysWhatIsAllowed() {
        assertThatThrownBy(() -> binder.bind("m.yaml", "plugin: syslog\n", Monitor.class))
                .hasMessageStartingWith("m.yaml:1:9: plugin: \"syslog\" is not a valid value (one of kmsg, filelog, journald)");
    }

    @Test
    void aDurationWithoutUnitIsRefused() {
        assertThatThrownBy(() -> binder.bind("m.yaml", "lookback: 300\n", Monitor.class))
                .hasMessageContaining("lookback")
                .hasMessageContaining("a duration needs a unit; write \"300s\"");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> binder.bind(dir.resolve("nope.yaml"), Monitor.class))
                .hasMessageEndingWith("nope.yaml: no such file");
    }

    @ParameterizedTest
    @CsvSource({"300ms,PT0.3S", "90s,PT1M30S", "5m,PT5M", "1h30m,PT1H30M", "1.5h,PT1H30M", "0,PT0S", "PT2M,PT2M", "-1m,PT-1M"})
    void readsGoAndIsoDurations(String written, String expected) {
        assertThat(GoDuration.parse(written)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"5", "m", "5 m", "5d", "1h-30m", "''"})
    void refusesWhatGoRefuses(String written) {
        assertThatThrownBy(() -> GoDuration.parse(written)).hasMessageContaining("is not a duration");
    }
}
