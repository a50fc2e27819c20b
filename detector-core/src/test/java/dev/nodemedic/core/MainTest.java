package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.AgentConfigFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: exit codes and what is printed. */
class MainTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.execute(home, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionNamesTheDaemonApiItHosts() {
        assertThat(run("version")).isZero();
        assertThat(out()).matches("nodemedic \\S+ \\(daemon-api 1\\.6\\.0, Java .*\\)\\s*");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("run", "check-config", "report", "version");
    }

    @Test
    void everySubCommandHasHelp() {
        assertThat(run("run", "--help")).isZero();
        assertThat(out()).contains("--local", "--plugins-dir", "--stop-after");
    }

    @Test
    void anUnknownCommandIsAnErrorThatShowsTheUsage() {
        assertThat(run("bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unmatched argument at index 0: 'bogus'").contains("Usage: nodemedic");
    }

    @Test
    void checkConfigAcceptsAValidAgentConfigAndItsDaemonConfigs() throws Exception {
        TestPlugins.install(TestPlugins.FAULTY, home.resolve("plugins"), "faulty.jar");
        Files.writeString(home.resolve("faulty.yaml"), "mode: healthy\n");
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                daemons:
                  - daemon: faulty
                    config: faulty.yaml
                """);

        assertThat(run("check-config", agent.toString())).isZero();
        assertThat(out()).contains("✓ " + home.resolve("faulty.yaml") + ": daemon instance faulty owns [FaultyProblem]")
                .contains("✓ " + agent + ": valid agent config");
    }

    @Test
    void checkConfigRefusesAnInstanceWhoseDaemonNoPluginBrings() throws Exception {
        // With NPD's flags only listed instances run: a misspelt daemon would leave the node with nothing checked.
        TestPlugins.install(TestPlugins.FAULTY, home.resolve("plugins"), "faulty.jar");
        Files.writeString(home.resolve("faulty.yaml"), "mode: healthy\n");
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                daemons:
                  - daemon: faulty
                    config: faulty.yaml
                  - daemon: kernel-logs
                    name: kernel-monitor
                """);

        assertThat(run("check-config", agent.toString())).isEqualTo(1);
        assertThat(out()).contains("✓ " + home.resolve("faulty.yaml") + ": daemon instance faulty owns [FaultyProblem]")
                .contains("✗ " + agent + ": daemons: instance kernel-monitor names daemon kernel-logs, which no plugin in "
                        + home.resolve("plugins") + " brings; check the name, or add the plugin's jar");
    }

    @Test
    void checkConfigNamesLineAndFieldAndSuggestsTheFieldMeant() throws Exception {
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                nodeName: node-a
                status:
                  adress: 0.0.0.0
                """);

        assertThat(run("check-config", agent.toString())).isEqualTo(1);
        assertThat(out()).startsWith("✗ " + agent + ":3:3: status.adress: unknown field \"adress\"; did you mean \"address\"?");
    }

    @Test
    void checkConfigRefusesReportSocketPermissionsTheAgentCouldNotUse() throws Exception {
        Path agent = Files.writeString(home.resolve("agent.yaml"), "report:\n  socket: run/report.sock\n  permissions: r--r-----\n");

        assertThat(run("check-config", agent.toString())).isEqualTo(1);
        assertThat(out()).startsWith("✗ " + agent + ":3:3: report: permissions \"r--r-----\" leave the owner unable to write the socket; start with rw-");
    }

    @Test
    void checkConfigReportsABadDaemonConfigNamedByTheAgentConfig() throws Exception {
        TestPlugins.install(TestPlugins.FAULTY, home.resolve("plugins"), "faulty.jar");
        Files.writeString(home.resolve("faulty.yaml"), "mode: sometimes\n");
        Path agent = Files.writeString(home.resolve("agent.yaml"), "daemons:\n  - daemon: faulty\n    config: faulty.yaml\n");

        assertThat(run("check-config", agent.toString())).isEqualTo(1);
        assertThat(out()).contains("✗ daemon instance faulty is not started: " + home.resolve("faulty.yaml")
                + ":1:7: mode: \"sometimes\" is not a valid value (one of throwOnStart, failAfterStart, hangOnStop, healthy)");
    }

    private Path npdConfig(String name) throws Exception {
        Path config = home.resolve(name);
        try (var in = getClass().getResourceAsStream("/npd/" + name)) {
            Files.copy(in, config);
        }
        return config;
    }

    @Test
    void checkConfigNamesBothClaimantsOfEveryConditionTypeClaimedTwice() throws Exception {
        for (String jar : List.of(TestPlugins.CUSTOM_PLUGIN, TestPlugins.KUBELET_HEALTH, TestPlugins.CONTAINER_RUNTIME)) {
            TestPlugins.install(jar, home.resolve("plugins"), jar);
        }
        Path counter = npdConfig("systemd-monitor-counter.json");
        Path healthChecker = npdConfig("health-checker-kubelet.json");
        // NPD's counter and health-checker configs beside the built-in daemons, as an operator adds them.
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                daemons:
                  - daemon: custom-plugin
                    name: systemd-monitor-counter
                    config: systemd-monitor-counter.json
                  - daemon: custom-plugin
                    name: health-checker-kubelet
                    config: health-checker-kubelet.json
                """);

        assertThat(run("check-config", agent.toString())).isEqualTo(1);

        assertThat(out().lines().filter(l -> l.startsWith("✗ condition type "))).hasSize(3);
        assertThat(out()).containsPattern("✗ condition type KubeletUnhealthy is claimed twice: by daemon instance (kubelet-health \\(kubelet-health, its defaults\\)"
                + "|health-checker-kubelet \\(custom-plugin, " + java.util.regex.Pattern.quote(healthChecker.toString()) + "\\)) and by daemon instance ")
                .contains("kubelet-health (kubelet-health, its defaults)").contains("health-checker-kubelet (custom-plugin, " + healthChecker + ")")
                .contains("systemd-monitor-counter (custom-plugin, " + counter + ")")
                .containsPattern("condition type FrequentKubeletRestart is claimed twice: .*kubelet-health.*systemd-monitor-counter|"
                        + "condition type FrequentKubeletRestart is claimed twice: .*systemd-monitor-counter.*kubelet-health")
                .containsPattern("condition type FrequentContainerdRestart is claimed twice: .*container-runtime.*systemd-monitor-counter|"
                        + "condition type FrequentContainerdRestart is claimed twice: .*systemd-monitor-counter.*container-runtime");
    }

    @Test
    void checkConfigPassesNpdsCounterConfigsInsteadOfTheBuiltInDaemons() throws Exception {
        for (String jar : List.of(TestPlugins.CUSTOM_PLUGIN, TestPlugins.KUBELET_HEALTH, TestPlugins.CONTAINER_RUNTIME)) {
            TestPlugins.install(jar, home.resolve("plugins"), jar);
        }
        npdConfig("systemd-monitor-counter.json");
        npdConfig("health-checker-kubelet.json");
        // deploy/README.md's recipe: NPD's configs instead of the built-in daemons that own the same types.
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                daemons:
                  - daemon: custom-plugin
                    name: systemd-monitor-counter
                    config: systemd-monitor-counter.json
                  - daemon: custom-plugin
                    name: health-checker-kubelet
                    config: health-checker-kubelet.json
                  - daemon: kubelet-health
                    enabled: false
                  - daemon: container-runtime
                    enabled: false
                """);

        assertThat(run("check-config", agent.toString())).as(out()).isZero();
    }

    @Test
    void onlyListedDaemonsLeavesTheOthersOut() throws Exception {
        for (String jar : List.of(TestPlugins.CUSTOM_PLUGIN, TestPlugins.KUBELET_HEALTH, TestPlugins.CONTAINER_RUNTIME)) {
            TestPlugins.install(jar, home.resolve("plugins"), jar);
        }
        Path counter = npdConfig("systemd-monitor-counter.json");
        // As NPD runs only the monitors it is given: no built-in daemon claims the counter's types.
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                onlyListedDaemons: true
                daemons:
                  - daemon: custom-plugin
                    name: systemd-monitor-counter
                    config: systemd-monitor-counter.json
                """);

        assertThat(run("check-config", agent.toString())).as(out()).isZero();
        assertThat(out()).contains("✓ " + counter + ": daemon instance systemd-monitor-counter owns")
                .doesNotContain("daemon instance kubelet-health", "daemon instance container-runtime")
                .contains("- " + home.resolve("plugins/kubelet-health.jar") + " is held back by the agent, not loaded: onlyListedDaemons is set"
                        + " (as NPD's flags set it) and the agent config names none of its daemons [kubelet-health]; it loads when a reloaded agent config lists one")
                .contains("- " + home.resolve("plugins/container-runtime.jar") + " is held back by the agent, not loaded");
    }

    @Test
    void checkConfigRefusesADeclarationThatWouldHoldBackAListedDaemon() throws Exception {
        TestPlugins.withProperties(TestPlugins.REBOOT_REQUIRED, text -> text.replace("plugin.daemons=reboot-required", "plugin.daemons=reboot-pending"),
                Files.createDirectories(home.resolve("plugins")).resolve("reboot-required.jar"));
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                onlyListedDaemons: true
                daemons:
                  - daemon: reboot-required
                """);

        assertThat(run("check-config", agent.toString())).isEqualTo(1);
        assertThat(out()).contains("✗ " + home.resolve("plugins/reboot-required.jar") + ": its plugin.properties declares plugin.daemons [reboot-pending]"
                + " but the jar brings [reboot-required], which the agent config lists: the agent would hold the jar back and not run [reboot-required]"
                + " — set plugin.daemons to what the jar brings").doesNotContain("which no plugin");
    }

    @Test
    void checkConfigRefusesRuleFilesTheAgentCouldNotRunNamingTheRule() throws Exception {
        TestPlugins.install(TestPlugins.KERNEL_LOG, home.resolve("plugins"), "kernel-log.jar");
        Path nested = Files.writeString(home.resolve("nested.json"),
                "{\"conditions\": [], \"rules\": [\n  {\"type\": \"temporary\", \"reason\": \"Nested\", \"pattern\": \"(((a{100}){100}){100})\"}\n]}\n");
        Path big = Files.writeString(home.resolve("big.json"),
                "{\"conditions\": [], \"rules\": [\n  {\"type\": \"temporary\", \"reason\": \"Big\", \"pattern\": \"" + "a".repeat(1_100_000) + "\"}\n]}\n");
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            rules.append(i == 0 ? "" : ",\n").append("  {\"type\": \"temporary\", \"reason\": \"R").append(i).append("\", \"pattern\": \"message ")
                    .append(i).append(" happened\"}");
        }
        Path many = Files.writeString(home.resolve("many.json"), "{\"conditions\": [], \"rules\": [\n" + rules + "\n]}\n");
        Path good = Files.writeString(home.resolve("good.json"),
                "{\"conditions\": [], \"rules\": [\n  {\"type\": \"temporary\", \"reason\": \"Thousand\", \"pattern\": \"(a{10}){100}\"}\n]}\n");

        assertThat(run("check-config", "--daemon", "kernel-log", nested.toString(), big.toString(), many.toString(), good.toString())).isEqualTo(1);

        assertThat(out())
                .contains("✗ daemon instance kernel-log is not started: " + nested + ":2:45: rules[0]: pattern: \"(((a{100}){100}){100})\" repeats its"
                        + " innermost part 1000000 times through nested counted repetitions, at most 1000 are allowed")
                .contains("✗ daemon instance kernel-log is not started: " + big + ":2:42: rules[0]: pattern: \"aaaa")
                .contains("is 1100000 bytes long, at most 4096 are allowed")
                .contains("✗ daemon instance kernel-log is not started: " + many + ":1:")
                .contains("rules: 100000 rules, at most 1000 are allowed in one file")
                .contains("✓ " + good + ": daemon instance kernel-log owns []");
    }

    @Test
    void checkConfigOfOneDaemonsFiles() throws Exception {
        TestPlugins.install(TestPlugins.FAULTY, home.resolve("plugins"), "faulty.jar");
        Path good = Files.writeString(home.resolve("good.yaml"), "mode: healthy\n");

        assertThat(run("check-config", "--daemon", "faulty", good.toString())).isZero();
        assertThat(run("check-config", "--daemon", "no-such-daemon", good.toString())).isEqualTo(1);
        assertThat(out()).contains("no plugin in " + home.resolve("plugins") + " brings a daemon named no-such-daemon");
    }

    @Test
    void runTellsItsChildrenTheAbsolutePathOfTheConfigItWasStartedWith() throws Exception {
        // custom-plugin hands this to its scripts as NODEMEDIC_CONFIG: NPD's helpers it starts then apply the
        // pluginDigests of the config the agent runs with (in a pod the ConfigMap's), not the installation's.
        String before = System.getProperty(AgentConfigFile.SYSTEM_PROPERTY);
        System.clearProperty(AgentConfigFile.SYSTEM_PROPERTY);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path agent = Files.writeString(home.resolve("agent.yaml"), "status:\n  port: " + taken.getLocalPort() + "\nmetrics:\n  port: 0\n");
            Files.createDirectories(home.resolve("sub"));

            // The status port is taken: the agent stops at once, after the property is set for its daemons.
            assertThat(run("run", "--local", "--config", home.resolve("sub/../agent.yaml").toString(), "--stop-after", "1s")).isEqualTo(2);

            assertThat(System.getProperty(AgentConfigFile.SYSTEM_PROPERTY)).isEqualTo(agent.toAbsolutePath().normalize().toString());
        } finally {
            if (before == null) {
                System.clearProperty(AgentConfigFile.SYSTEM_PROPERTY);
            } else {
                System.setProperty(AgentConfigFile.SYSTEM_PROPERTY, before);
            }
        }
    }

    @Test
    void runOnATakenPortExitsTwoSayingWhichAndWhatToChange() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path agent = Files.writeString(home.resolve("agent.yaml"), "status:\n  port: " + taken.getLocalPort() + "\nmetrics:\n  port: 0\n");

            assertThat(run("run", "--local", "--config", agent.toString(), "--stop-after", "1s")).isEqualTo(2);

            assertThat(err.toString(StandardCharsets.UTF_8)).contains("the status server cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("Set status.port");
        }
    }

    @Test
    void theAddressFlagsTakeOverTheConfigsAddresses() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path agent = Files.writeString(home.resolve("agent.yaml"), "status:\n  address: 0.0.0.0\n  port: 0\nmetrics:\n  address: 0.0.0.0\n  port: "
                    + taken.getLocalPort() + "\n");

            // As the DaemonSet runs it: the status page on loopback, /metrics on the pod's IP (here loopback's).
            assertThat(run("run", "--local", "--config", agent.toString(), "--status-address", "127.0.0.1", "--metrics-address", "127.0.0.1",
                    "--stop-after", "1s")).isEqualTo(2);

            assertThat(err.toString(StandardCharsets.UTF_8)).contains("the metrics server cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void runWhereAnotherProcessServesTheReportSocketExitsTwoNamingIt() throws Exception {
        Path socket = home.resolve("report.sock");
        try (java.nio.channels.ServerSocketChannel other = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            other.bind(java.net.UnixDomainSocketAddress.of(socket));
            Path agent = Files.writeString(home.resolve("agent.yaml"), "status:\n  port: 0\nmetrics:\n  port: 0\nreport:\n  socket: " + socket + "\n");

            assertThat(run("run", "--local", "--config", agent.toString(), "--stop-after", "1s")).isEqualTo(2);

            assertThat(err.toString(StandardCharsets.UTF_8)).contains("another process serves the report socket " + socket)
                    .contains("set report.socket in the agent config");
        }
    }

    @Test
    void runWithAKubeconfigThatCannotBeReadExitsTwoNamingIt() throws Exception {
        // The agent is up before its API client is built; a client that cannot be built still stops it.
        Path agent = Files.writeString(home.resolve("agent.yaml"),
                "nodeName: node-a\nstatus:\n  port: 0\nmetrics:\n  port: 0\nreport:\n  socket: " + home.resolve("report.sock") + "\n");
        Path missing = home.resolve("no-such-kubeconfig");

        assertThat(run("run", "--kubeconfig", missing.toString(), "--config", agent.toString(), "--stop-after", "60s")).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("kubeconfig " + missing + " does not exist or is not readable")
                .contains("the agent stops");
    }

    @Test
    void runWithABadConfigExitsTwoNamingTheFile() throws Exception {
        Path agent = Files.writeString(home.resolve("agent.yaml"), "pluginDir: x\n");
        assertThat(run("run", "--local", "--config", agent.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(agent + ":1:1: pluginDir: unknown field \"pluginDir\"; did you mean \"pluginsDir\"?");
    }
}
