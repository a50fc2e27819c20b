package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.ConfigReloadTest.ConfigMapVolume;
import dev.nodemedic.core.config.AgentConfigLoader;
import dev.nodemedic.core.plugins.AgentConfigReloads;
import dev.nodemedic.core.plugins.PluginHost;
import dev.nodemedic.core.plugins.PluginsReconciler;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With NPD's flags ({@code onlyListedDaemons}) a jar whose plugin.properties declares none of the daemons the
 * agent config lists is held back, not loaded, until a reloaded agent config lists one: the real built-in
 * jars, the agent config mounted as a ConfigMap.
 */
class HeldBackPluginsTest {
    @TempDir
    Path root;

    private Agent agent;
    private ConfigMapVolume volume;
    private final RunningAgent running = new RunningAgent(() -> agent, ConfigReloadTest.BOUND);
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    /** Held here: JUL keeps its loggers weakly, and a logger collected would lose the handler. */
    private final List<Logger> loggers = List.of(Logger.getLogger(PluginsReconciler.class.getName()), Logger.getLogger(PluginHost.class.getName()));
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void watch() throws IOException {
        volume = new ConfigMapVolume(root.resolve("agent-config"));
        // Pinned: a check-config run earlier in this JVM leaves the root logger at SEVERE (CheckConfigCommand).
        loggers.forEach(logger -> {
            logger.setLevel(Level.INFO);
            logger.addHandler(capture);
        });
        Files.createDirectories(root.resolve("plugins"));
        Files.createDirectories(root.resolve("config"));
    }

    @AfterEach
    void stop() throws Exception {
        loggers.forEach(logger -> {
            logger.removeHandler(capture);
            logger.setLevel(null);
        });
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void withNpdsFlagsAJarDeclaringNoListedDaemonIsHeldBackAndAJarWithoutTheDeclarationLoads() throws Exception {
        install(TestPlugins.REBOOT_REQUIRED, TestPlugins.KERNEL_LOG, TestPlugins.SYSTEM_STATS);
        TestPlugins.install(TestPlugins.FAULTY, root.resolve("plugins"), "faulty.jar");
        publish(agentConfig(true, REBOOT));

        start();

        assertThat(running.daemon("reboot-required")).as("the listed daemon runs").isPresent();
        assertThat(messages(Level.INFO, "plugin jar held back")).containsExactly(
                "plugin jar held back, not loaded jar=kernel-log.jar why=\"onlyListedDaemons is set (as NPD's flags set it) and the agent config"
                        + " names none of its daemons [kernel-log]; it loads when a reloaded agent config lists one\"",
                "plugin jar held back, not loaded jar=system-stats.jar why=\"onlyListedDaemons is set (as NPD's flags set it) and the agent config"
                        + " names none of its daemons [system-stats]; it loads when a reloaded agent config lists one\"");
        assertThat(messages(Level.INFO, "plugin loaded")).as("the third-party jar says nothing of its daemons, so it loads as before")
                .hasSize(2).anySatisfy(line -> assertThat(line).startsWith("plugin loaded plugin=reboot-required "))
                .anySatisfy(line -> assertThat(line).startsWith("plugin loaded plugin=fixture-faulty "));
        assertThat(running.metrics()).doesNotContain("nodemedic_daemon_missing");
        assertThat(heldBackSection()).as("the status page lists the jars held back, with why, in file-name order").isEqualTo("<h2>Held back</h2><table>"
                + "<tr><th>Jar</th><th>Why it is not loaded</th></tr>" + row("kernel-log.jar", "kernel-log") + row("system-stats.jar", "system-stats")
                + "</table>");
    }

    @Test
    void aReloadListingADaemonOfAHeldBackJarLoadsItAndOneWithoutNpdsFlagsLoadsTheRest() throws Exception {
        install(TestPlugins.REBOOT_REQUIRED, TestPlugins.DISK_PRESSURE);
        TestPlugins.install(TestPlugins.FAULTY, root.resolve("plugins"), "faulty.jar");
        publish(agentConfig(true, FAULTY));
        start();
        DaemonStatus faulty = running.daemon("faulty").orElseThrow();
        assertThat(running.daemon("reboot-required")).isEmpty();
        assertThat(heldBackSection()).contains(row("disk-pressure.jar", "disk-pressure"), row("reboot-required.jar", "reboot-required"));

        publish(agentConfig(true, FAULTY, REBOOT));

        RecordingDaemonContext.awaitTrue("reboot-required started by the reload", ConfigReloadTest.BOUND, () -> running.daemon("reboot-required").isPresent());
        running.awaitStatus("RebootRequired", ConditionStatus.FALSE);
        assertThat(messages(Level.INFO, "no longer held back")).containsExactly("plugin jar no longer held back, loading it jar=reboot-required.jar");
        assertThat(running.daemon("disk-pressure")).as("still named by no entry").isEmpty();
        assertThat(running.daemon("faulty").orElseThrow().since()).as("an instance the reload does not touch runs on").isEqualTo(faulty.since());
        running.awaitPage("reboot-required.jar off the held back list", page -> !heldBackSection(page).contains("reboot-required.jar"));
        assertThat(heldBackSection()).as("the jar no listed daemon needs stays").contains(row("disk-pressure.jar", "disk-pressure"));

        publish(agentConfig(false, FAULTY, REBOOT));

        RecordingDaemonContext.awaitTrue("disk-pressure's default instance started", ConfigReloadTest.BOUND, () -> running.daemon("disk-pressure").isPresent());
        running.awaitPage("nothing held back without NPD's flags", page -> heldBackSection(page).contains("Nothing held back."));
        assertThat(messages(Level.INFO, "held back")).as("each jar said once when it was held and once when it loaded").containsExactly(
                "plugin jar held back, not loaded jar=disk-pressure.jar why=\"onlyListedDaemons is set (as NPD's flags set it) and the agent config"
                        + " names none of its daemons [disk-pressure]; it loads when a reloaded agent config lists one\"",
                "plugin jar held back, not loaded jar=reboot-required.jar why=\"onlyListedDaemons is set (as NPD's flags set it) and the agent config"
                        + " names none of its daemons [reboot-required]; it loads when a reloaded agent config lists one\"",
                "plugin jar no longer held back, loading it jar=reboot-required.jar",
                "plugin jar no longer held back, loading it jar=disk-pressure.jar");
    }

    @Test
    void aStaleDeclarationIsWarnedNamingBothListsAndTheDaemonRunsOnWhatTheJarBrings() throws Exception {
        TestPlugins.withProperties(TestPlugins.REBOOT_REQUIRED, text -> text.replace("plugin.daemons=reboot-required", "plugin.daemons=reboot-pending"),
                root.resolve("plugins/reboot-required.jar"));
        publish(agentConfig(false, REBOOT));

        start();

        running.awaitStatus("RebootRequired", ConditionStatus.FALSE);
        assertThat(messages(Level.WARNING, "plugin declares")).containsExactly("plugin declares other daemons than it brings jar=reboot-required.jar"
                + " key=plugin.daemons declared=[reboot-pending] brings=[reboot-required]; the agent goes on with what it brings"
                + " — set plugin.daemons in the jar's plugin.properties to what it brings");
    }

    @Test
    void withNpdsFlagsAStaleDeclarationHoldsTheJarBackAndTheMissingEntryNamesIt() throws Exception {
        TestPlugins.withProperties(TestPlugins.REBOOT_REQUIRED, text -> text.replace("plugin.daemons=reboot-required", "plugin.daemons=reboot-pending"),
                root.resolve("plugins/reboot-required.jar"));
        publish(agentConfig(true, REBOOT));

        start();

        assertThat(running.daemon("reboot-required")).isEmpty();
        assertThat(running.metrics()).contains("nodemedic_daemon_missing{daemon=\"reboot-required\"} 1.0\n");
        assertThat(running.get("/")).contains(root.resolve("plugins/reboot-required.jar") + " is held back, not loaded: its plugin.properties declares"
                + " plugin.daemons [reboot-pending], without reboot-required — if the jar brings reboot-required, add it there");
    }

    @Test
    void withNpdsFlagsAStaleDeclarationInAJarNotNamedForTheDaemonIsNamedWithWhatItDeclares() throws Exception {
        TestPlugins.withProperties(TestPlugins.REBOOT_REQUIRED, text -> text.replace("plugin.daemons=reboot-required", "plugin.daemons=reboot-pending"),
                root.resolve("plugins/acme.jar"));
        install(TestPlugins.DISK_PRESSURE);
        publish(agentConfig(true, REBOOT));

        start();

        assertThat(running.metrics()).contains("nodemedic_daemon_missing{daemon=\"reboot-required\"} 1.0\n");
        assertThat(running.get("/")).contains("; held back, not loaded, as their plugin.properties declare none of the listed daemons: "
                + root.resolve("plugins/acme.jar") + " declares plugin.daemons [reboot-pending], " + root.resolve("plugins/disk-pressure.jar")
                + " declares plugin.daemons [disk-pressure] — if one of them brings reboot-required, add it to its plugin.daemons");
    }

    @Test
    void aHeldBackJarReplacedIsLookedAtAgainAndOneRemovedIsForgotten() throws Exception {
        TestPlugins.withProperties(TestPlugins.REBOOT_REQUIRED, text -> text.replace("plugin.daemons=reboot-required", "plugin.daemons=reboot-pending"),
                root.resolve("plugins/reboot-required.jar"));
        install(TestPlugins.DISK_PRESSURE);
        publish(agentConfig(true, REBOOT));
        start();
        assertThat(running.metrics()).contains("nodemedic_daemon_missing{daemon=\"reboot-required\"} 1.0\n");

        // The declaration fixed: the jar is replaced by one that declares what it brings.
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, root.resolve("plugins"), TestPlugins.REBOOT_REQUIRED);

        running.awaitStatus("RebootRequired", ConditionStatus.FALSE);
        running.awaitMetrics("the entry no longer missing", text -> !text.contains("nodemedic_daemon_missing"));
        running.awaitPage("the replaced jar off the held back list", page -> !heldBackSection(page).contains("reboot-required.jar"));
        assertThat(heldBackSection()).contains(root.resolve("plugins/disk-pressure.jar").toString());

        // Removed while held back, then listed: nothing is left of it to load.
        Files.delete(root.resolve("plugins/disk-pressure.jar"));
        publish(agentConfig(true, REBOOT, "  - {daemon: disk-pressure}\n"));

        running.awaitMetrics("disk-pressure listed and missing", text -> text.contains("nodemedic_daemon_missing{daemon=\"disk-pressure\"} 1.0\n"));
        assertThat(running.get("/")).contains("daemons: instance disk-pressure names daemon disk-pressure, which no plugin in " + root.resolve("plugins")
                + " brings; check the name");
        assertThat(messages(Level.INFO, "no longer held back")).isEmpty();
        assertThat(heldBackSection()).as("a jar removed leaves the list").contains("Nothing held back.");
        assertThat(running.daemon("disk-pressure")).isEmpty();
    }

    private static final String REBOOT = "  - {daemon: reboot-required, config: reboot.yaml}\n";
    private static final String FAULTY = "  - {daemon: faulty, config: faulty.yaml}\n";

    private void install(String... jars) throws IOException {
        for (String jar : jars) {
            TestPlugins.install(jar, root.resolve("plugins"), jar);
        }
    }

    /** The status page's Held back section, from its heading to the next one's. */
    private String heldBackSection() throws Exception {
        return heldBackSection(running.get("/"));
    }

    private static String heldBackSection(String page) {
        return page.substring(page.indexOf("<h2>Held back</h2>"), page.indexOf("<h2>Refused</h2>"));
    }

    /** The Held back row of a built-in jar that declares its one daemon, as the page escapes it. */
    private String row(String jar, String daemon) {
        return "<tr><td><code>" + root.resolve("plugins").resolve(jar) + "</code></td><td>onlyListedDaemons is set (as NPD&#39;s flags set it) and the"
                + " agent config names none of its daemons [" + daemon + "]; it loads when a reloaded agent config lists one</td></tr>";
    }

    /** The formatted messages logged at {@code level} that contain {@code text}, in order. */
    private List<String> messages(Level level, String text) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).filter(m -> m.contains(text)).toList();
    }

    private String agentConfig(boolean onlyListedDaemons, String... daemons) {
        return """
                nodeName: node-a
                pluginsDir: %s
                configDir: %s
                status: {address: 127.0.0.1, port: 0}
                metrics: {address: 127.0.0.1, port: 0}
                report: {socket: %s}
                onlyListedDaemons: %s
                daemons:
                %s""".formatted(root.resolve("plugins"), root.resolve("config"), root.resolve("report.sock"), onlyListedDaemons, String.join("", daemons));
    }

    /** The agent config and its daemons' files in one ConfigMap; the reboot marker is never there, so RebootRequired is False. */
    private void publish(String agentYaml) throws IOException {
        volume.publish(Map.of("agent.yaml", agentYaml,
                "reboot.yaml", "markerFile: " + root.resolve("reboot-required") + "\n",
                "faulty.yaml", "mode: healthy\n"));
    }

    private void start() throws Exception {
        Path file = volume.file("agent.yaml");
        AgentConfigReloads.Start start = AgentConfigReloads.Watch.start(file, text -> new AgentConfigLoader(new ConfigBinder()).load(file, text, root));
        agent = Agent.start(start.config(), Optional.of(start.watch()), "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
    }
}
