package dev.nodemedic.daemons.kernellog.rules;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.config.PluginConfig;
import dev.nodemedic.daemons.kernellog.config.SourceKind;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NPD's system-log-monitor configs, as upstream has them, bound exactly as the agent binds them.
 * Their text is inlined here as test data; the distribution ships our own configs, not these.
 */
class NpdConfigCompatibilityTest {
    private final ConfigBinder binder = new ConfigBinder();

    static final Map<String, String> UPSTREAM = Map.ofEntries(
        // kubernetes/node-problem-detector config/kernel-monitor.json
        Map.entry("kernel-monitor.json", """
                {
                \t"plugin": "kmsg",
                \t"logPath": "/dev/kmsg",
                \t"lookback": "5m",
                \t"bufferSize": 10,
                \t"source": "kernel-monitor",
                \t"metricsReporting": true,
                \t"conditions": [
                \t\t{
                \t\t\t"type": "KernelDeadlock",
                \t\t\t"reason": "KernelHasNoDeadlock",
                \t\t\t"message": "kernel has no deadlock"
                \t\t},
                \t\t{
                \t\t\t"type": "ReadonlyFilesystem",
                \t\t\t"reason": "FilesystemIsNotReadOnly",
                \t\t\t"message": "Filesystem is not read-only"
                \t\t},
                \t\t{
                \t\t\t"type": "XfsShutdown",
                \t\t\t"reason": "XfsHasNotShutDown",
                \t\t\t"message": "XFS has not shutdown"
                \t\t}
                \t],
                \t"rules": [
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "OOMKilling",
                \t\t\t"pattern": "Killed process \\\\d+ (.+) total-vm:\\\\d+kB, anon-rss:\\\\d+kB, file-rss:\\\\d+kB.*"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "TaskHung",
                \t\t\t"pattern": "task [\\\\S ]+:\\\\w+ blocked for more than \\\\w+ seconds\\\\."
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "UnregisterNetDevice",
                \t\t\t"pattern": "unregister_netdevice: waiting for \\\\w+ to become free. Usage count = \\\\d+"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "KernelOops",
                \t\t\t"pattern": "BUG: unable to handle kernel NULL pointer dereference at .*"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "KernelOops",
                \t\t\t"pattern": "divide error: 0000 \\\\[#\\\\d+\\\\] SMP"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "Ext4Error",
                \t\t\t"pattern": "EXT4-fs error .*"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "Ext4Warning",
                \t\t\t"pattern": "EXT4-fs warning .*"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "IOError",
                \t\t\t"pattern": "Buffer I/O error .*"
                \t\t},
                \t\t{
                \t\t\t"type": "permanent",
                \t\t\t"condition": "XfsShutdown",
                \t\t\t"reason": "XfsHasShutdown",
                \t\t\t"pattern": "XFS .* Shutting down filesystem.?"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "MemoryReadError",
                \t\t\t"pattern": "CE memory read error .*"
                \t\t},
                \t\t{
                \t\t\t"type": "permanent",
                \t\t\t"condition": "KernelDeadlock",
                \t\t\t"reason": "DockerHung",
                \t\t\t"pattern": "task docker:\\\\w+ blocked for more than \\\\w+ seconds\\\\."
                \t\t},
                \t\t{
                \t\t\t"type": "permanent",
                \t\t\t"condition": "ReadonlyFilesystem",
                \t\t\t"reason": "FilesystemIsReadOnly",
                \t\t\t"pattern": "Remounting filesystem read-only"
                \t\t}
                \t]
                }
                """),
        // kubernetes/node-problem-detector config/kernel-monitor-filelog.json
        Map.entry("kernel-monitor-filelog.json", """
                {
                \t"plugin": "filelog",
                \t"pluginConfig": {
                \t\t"timestamp": "^.{15}",
                \t\t"message": "kernel: \\\\[.*\\\\] (.*)",
                \t\t"timestampFormat": "Jan _2 15:04:05"
                \t},
                \t"logPath": "/var/log/kern.log",
                \t"lookback": "5m",
                \t"bufferSize": 10,
                \t"source": "kernel-monitor",
                \t"conditions": [
                \t\t{
                \t\t\t"type": "KernelDeadlock",
                \t\t\t"reason": "KernelHasNoDeadlock",
                \t\t\t"message": "kernel has no deadlock"
                \t\t}
                \t],
                \t"rules": [
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "OOMKilling",
                \t\t\t"pattern": "Killed process \\\\d+ (.+) total-vm:\\\\d+kB, anon-rss:\\\\d+kB, file-rss:\\\\d+kB.*"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "TaskHung",
                \t\t\t"pattern": "task \\\\S+:\\\\w+ blocked for more than \\\\w+ seconds\\\\."
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "UnregisterNetDevice",
                \t\t\t"pattern": "unregister_netdevice: waiting for \\\\w+ to become free. Usage count = \\\\d+"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "KernelOops",
                \t\t\t"pattern": "BUG: unable to handle kernel NULL pointer dereference at .*"
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "KernelOops",
                \t\t\t"pattern": "divide error: 0000 \\\\[#\\\\d+\\\\] SMP"
                \t\t},
                \t\t{
                            "type": "temporary",
                            "reason": "TCPMemOverFlow",
                            "pattern": "TCP: out of memory -- consider tuning tcp_mem"
                        },
                        {
                            "type": "temporary",
                            "reason": "TCPSkOverFlow",
                            "pattern": "TCP: too many orphaned sockets"
                        },
                \t\t{
                \t\t\t"type": "permanent",
                \t\t\t"condition": "KernelDeadlock",
                \t\t\t"reason": "DockerHung",
                \t\t\t"pattern": "task docker:\\\\w+ blocked for more than \\\\w+ seconds\\\\."
                \t\t}
                \t]
                }
                """),
        // kubernetes/node-problem-detector config/docker-monitor.json
        Map.entry("docker-monitor.json", """
                {
                \t"plugin": "journald",
                \t"pluginConfig": {
                \t\t"source": "dockerd"
                \t},
                \t"logPath": "/var/log/journal",
                \t"lookback": "5m",
                \t"bufferSize": 10,
                \t"source": "docker-monitor",
                \t"conditions": [
                \t\t{
                \t\t\t"type": "CorruptDockerOverlay2",
                \t\t\t"reason": "NoCorruptDockerOverlay2",
                \t\t\t"message": "docker overlay2 is functioning properly"
                \t\t}
                \t],
                \t"rules": [
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "CorruptDockerImage",
                \t\t\t"pattern": "Error trying v2 registry: failed to register layer: rename /var/lib/docker/image/(.+) /var/lib/docker/image/(.+): directory not empty.*"
                \t\t},
                \t\t{
                \t\t\t"type": "permanent",
                \t\t\t"condition": "CorruptDockerOverlay2",
                \t\t\t"reason": "CorruptDockerOverlay2",
                \t\t\t"pattern": "returned error: readlink /var/lib/docker/overlay2.*: invalid argument.*"
                \t\t}
                \t]
                }
                """),
        // kubernetes/node-problem-detector config/systemd-monitor.json
        Map.entry("systemd-monitor.json", """
                {
                \t"plugin": "journald",
                \t"pluginConfig": {
                \t\t"source": "systemd"
                \t},
                \t"logPath": "/var/log/journal",
                \t"lookback": "5m",
                \t"bufferSize": 10,
                \t"source": "systemd-monitor",
                \t"metricsReporting": true,
                \t"conditions": [],
                \t"rules": [
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "KubeletStart",
                \t\t\t"pattern": "Started (Kubernetes kubelet|kubelet.service|kubelet.service - Kubernetes kubelet|kubelet.service - kubelet: The Kubernetes Node Agent)."
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "DockerStart",
                \t\t\t"pattern": "Starting (Docker Application Container Engine|docker.service|docker.service - Docker Application Container Engine)..."
                \t\t},
                \t\t{
                \t\t\t"type": "temporary",
                \t\t\t"reason": "ContainerdStart",
                \t\t\t"pattern": "Starting (containerd container runtime|containerd.service|containerd.service - containerd container runtime)..."
                \t\t}
                \t]
                }
                """),
        // kubernetes/node-problem-detector config/abrt-adaptor.json
        Map.entry("abrt-adaptor.json", """
                {
                  "plugin": "journald",
                  "pluginConfig": {
                    "source": "abrt-notification"
                  },
                  "logPath": "/var/log/journal",
                  "lookback": "5m",
                  "bufferSize": 10,
                  "source": "abrt-adaptor",
                  "conditions": [],
                  "rules": [
                    {
                      "type": "temporary",
                      "reason": "CCPPCrash",
                      "pattern": "Process \\\\d+ \\\\(\\\\S+\\\\) crashed in .*"
                    },
                    {
                      "type": "temporary",
                      "reason": "UncaughtException",
                      "pattern": "Process \\\\d+ \\\\(\\\\S+\\\\) of user \\\\d+ encountered an uncaught \\\\S+ exception"
                    },
                    {
                      "type": "temporary",
                      "reason": "XorgCrash",
                      "pattern": "Display server \\\\S+ crash in \\\\S+"
                    },
                    {
                      "type": "temporary",
                      "reason": "VMcore",
                      "pattern": "System encountered a fatal error in \\\\S+"
                    },
                    {
                      "type": "temporary",
                      "reason": "KernelOops",
                      "pattern": "System encountered a non-fatal error in \\\\S+"
                    }
                  ]
                }
                """),
        // kubernetes/node-problem-detector config/readonly-monitor.json
        Map.entry("readonly-monitor.json", """
                {
                \t"plugin": "kmsg",
                \t"logPath": "/dev/kmsg",
                \t"lookback": "5m",
                \t"bufferSize": 10,
                \t"source": "readonly-monitor",
                \t"metricsReporting": true,
                \t"conditions": [
                \t\t{
                \t\t\t"type": "ReadonlyFilesystem",
                \t\t\t"reason": "FilesystemIsNotReadOnly",
                \t\t\t"message": "Filesystem is not read-only"
                \t\t}
                \t],
                \t"rules": [
                \t\t{
                \t\t\t"type": "permanent",
                \t\t\t"condition": "ReadonlyFilesystem",
                \t\t\t"reason": "FilesystemIsReadOnly",
                \t\t\t"pattern": "Remounting filesystem read-only"
                \t\t}
                \t]
                }
                """),
        // kubernetes/node-problem-detector config/docker-monitor-filelog.json
        Map.entry("docker-monitor-filelog.json", """
                {
                \t"plugin": "filelog",
                \t"pluginConfig": {
                \t\t"timestamp": "^time=\\"(\\\\S*)\\"",
                \t\t"message": "msg=\\"([^\\n]*)\\"",
                \t\t"timestampFormat": "2006-01-02T15:04:05.999999999-07:00"
                \t},
                \t"logPath": "/var/log/docker.log",
                \t"lookback": "5m",
                \t"bufferSize": 10,
                \t"source": "docker-monitor",
                \t"conditions": [],
                \t"rules": []
                }
                """));

    static Stream<String> upstreamFiles() {
        return UPSTREAM.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("upstreamFiles")
    void everyUpstreamConfigBindsUnchanged(String name) throws ConfigException {
        KernelLogConfig config = binder.bind(name, UPSTREAM.get(name), KernelLogConfig.class);

        assertThat(config.source()).isNotBlank();
        assertThat(config.bufferSize()).isEqualTo(10);
        assertThat(config.lookback()).isEqualTo(Duration.ofMinutes(5));
        new RuleEngine(config.rules(), config.bufferSize());
    }

    @Test
    void kernelMonitorKeepsEveryFieldNpdHas() throws ConfigException {
        KernelLogConfig config = binder.bind("kernel-monitor.json", UPSTREAM.get("kernel-monitor.json"), KernelLogConfig.class);

        assertThat(config.plugin()).isEqualTo(SourceKind.KMSG);
        assertThat(config.logPath()).isEqualTo("/dev/kmsg");
        assertThat(config.metricsReporting()).isTrue();
        assertThat(config.conditions()).extracting(ConditionDeclaration::type).containsExactly("KernelDeadlock", "ReadonlyFilesystem", "XfsShutdown");
        assertThat(config.rules()).hasSize(12);
        assertThat(config.rules().get(10)).isEqualTo(Rule.permanent("KernelDeadlock", "DockerHung", "task docker:\\w+ blocked for more than \\w+ seconds\\."));
        assertThat(config.rules().getFirst().type()).isEqualTo(RuleType.TEMPORARY);
    }

    /** NPD's initializeProblemMetricsOrDie: a counter for every rule's reason, a gauge for every permanent rule's condition and reason. */
    @Test
    void kernelMonitorDeclaresEveryRuleReasonAsNpdStartsItsSeries() throws ConfigException {
        KernelLogConfig config = binder.bind("kernel-monitor.json", UPSTREAM.get("kernel-monitor.json"), KernelLogConfig.class);

        assertThat(config.reasons()).containsExactly(ReasonDeclaration.event("OOMKilling"), ReasonDeclaration.event("TaskHung"),
                ReasonDeclaration.event("UnregisterNetDevice"), ReasonDeclaration.event("KernelOops"), ReasonDeclaration.event("Ext4Error"),
                ReasonDeclaration.event("Ext4Warning"), ReasonDeclaration.event("IOError"), ReasonDeclaration.condition("XfsShutdown", "XfsHasShutdown"),
                ReasonDeclaration.event("MemoryReadError"), ReasonDeclaration.condition("KernelDeadlock", "DockerHung"),
                ReasonDeclaration.condition("ReadonlyFilesystem", "FilesystemIsReadOnly"));
    }

    @Test
    void filelogAndJournaldPluginConfigsAreTyped() throws ConfigException {
        KernelLogConfig filelog = binder.bind("kernel-monitor-filelog.json", UPSTREAM.get("kernel-monitor-filelog.json"), KernelLogConfig.class);
        KernelLogConfig journald = binder.bind("docker-monitor.json", UPSTREAM.get("docker-monitor.json"), KernelLogConfig.class);

        assertThat(filelog.plugin()).isEqualTo(SourceKind.FILELOG);
        assertThat(filelog.pluginConfig()).isEqualTo(new PluginConfig("^.{15}", "kernel: \\[.*\\] (.*)", "Jan _2 15:04:05", ""));
        assertThat(journald.plugin()).isEqualTo(SourceKind.JOURNALD);
        assertThat(journald.pluginConfig().source()).isEqualTo("dockerd");
    }

    @Test
    void anEmptyConfigIsAWorkingKernelMonitor() throws ConfigException {
        KernelLogConfig config = binder.defaults(KernelLogConfig.class);

        assertThat(config.plugin()).isEqualTo(SourceKind.AUTO);
        assertThat(config.source()).isEqualTo("kernel-monitor");
        assertThat(config.bufferSize()).isEqualTo(10);
        assertThat(config.lookback()).isEqualTo(Duration.ZERO);
        assertThat(config.rules()).hasSize(12);
        assertThat(config.declarations()).extracting(d -> d.type()).containsExactly("KernelDeadlock", "ReadonlyFilesystem", "XfsShutdown");
    }

    @Test
    void aBadPatternIsNamedWithItsRuleAndLine() {
        String text = """
                {
                  "conditions": [],
                  "rules": [
                    {"type": "temporary", "reason": "OOMKilling", "pattern": "Killed process"},
                    {"type": "temporary", "reason": "TaskHung", "pattern": "task \\\\w+ blocked (for"}
                  ]
                }
                """;

        assertThatThrownBy(() -> binder.bind("kernel-monitor.json", text, KernelLogConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kernel-monitor.json:5:")
                .hasMessageContaining("rules[1]")
                .hasMessageContaining("rules[1].pattern: \"task \\w+ blocked (for\" is not a valid RE2 regular expression (missing closing ))");
    }

    @Test
    void anUnknownFieldIsNamedWithItsLine() {
        String text = """
                {
                  "plugin": "kmsg",
                  "bufferSize": 10,
                  "lookbak": "5m"
                }
                """;

        assertThatThrownBy(() -> binder.bind("kernel-monitor.json", text, KernelLogConfig.class))
                .hasMessageStartingWith("kernel-monitor.json:4:")
                .hasMessageContaining("unknown field \"lookbak\"; did you mean \"lookback\"?");
    }

    @Test
    void aPermanentRuleMustNameADeclaredCondition() {
        String text = """
                {
                  "conditions": [{"type": "KernelDeadlock", "reason": "KernelHasNoDeadlock", "message": "kernel has no deadlock"}],
                  "rules": [
                    {"type": "permanent", "condition": "KernelDeadlok", "reason": "DockerHung", "pattern": "task docker"}
                  ]
                }
                """;

        assertThatThrownBy(() -> binder.bind("kernel-monitor.json", text, KernelLogConfig.class))
                .hasMessageContaining("rules[0].condition: KernelDeadlok is not declared in conditions (declared: KernelDeadlock)");
    }

    @Test
    void anUnknownPluginListsTheKnownOnes() {
        assertThatThrownBy(() -> binder.bind("x.json", "{\"plugin\": \"syslog\"}", KernelLogConfig.class))
                .hasMessageContaining("plugin")
                .hasMessageContaining("kmsg");
    }

    @Test
    void recoverPatternAndClearAfterBindOnPermanentRules() throws ConfigException {
        String text = """
                {
                  "conditions": [{"type": "ReadonlyFilesystem", "reason": "FilesystemIsNotReadOnly", "message": "Filesystem is not read-only"}],
                  "rules": [
                    {"type": "permanent", "condition": "ReadonlyFilesystem", "reason": "FilesystemIsReadOnly",
                     "pattern": "Remounting filesystem read-only", "recoverPattern": "re-mounted\\\\. Opts: .*", "clearAfter": "30m"}
                  ]
                }
                """;

        Rule rule = binder.bind("ro.json", text, KernelLogConfig.class).rules().getFirst();

        assertThat(rule.recoverPattern()).isEqualTo("re-mounted\\. Opts: .*");
        assertThat(rule.clearAfter()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aTemporaryRuleCannotRecover() {
        String text = """
                {"rules": [{"type": "temporary", "reason": "OOMKilling", "pattern": "Killed", "clearAfter": "5m"}]}
                """;

        assertThatThrownBy(() -> binder.bind("x.json", text, KernelLogConfig.class))
                .hasMessageContaining("rules[0]")
                .hasMessageContaining("only a permanent rule has a condition to recover");
    }
}
