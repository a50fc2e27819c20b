package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.reporter.kubernetes.StrategicMergeMockServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent distribution stopped and started again, as a rolling update or a crash does, against one
 * API server (fabric8's mock in CRUD mode, with node status strategic merge patches applied as the API
 * server applies them, so the second agent reads what the first one wrote). The node's boot is the
 * machine's own ({@code btime} in {@code /proc/stat}), so both agents run in the same boot.
 */
class AgentRestartTest {
    /** Syslog's timestamp, as NPD's filelog config reads it ({@code Jan _2 15:04:05}); local time, like the log's writer. */
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void aProblemStillInTheLogAfterARestartKeepsItsTransitionTimeOnTheNode() throws Exception {
        DeployTree tree = DeployTree.fromBuild();
        try (StrategicMergeMockServer api = StrategicMergeMockServer.start()) {
            api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
                    .withNewStatus().withConditions(new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady")
                            .withMessage("kubelet is posting ready status").build()).endStatus().build()).create();
            // The line stays inside the kernel-log daemon's lookback (5m) for both runs: each replays it at start.
            Path log = Files.writeString(work.resolve("kern.log"),
                    SYSLOG_TIME.format(LocalDateTime.now()) + " node-a kernel: [ 1234.500000] task docker:7 blocked for more than 120 seconds.\n");
            Files.writeString(work.resolve("kernel-monitor.json"),
                    Files.readString(tree.dist().resolve("config/kernel-monitor-filelog.json")).replace("/var/log/kern.log", log.toString()));
            Path kubeconfig = api.writeKubeconfig(work.resolve("kubeconfig"));

            NodeCondition first;
            try (AgentProcess agent = start(tree, "first", kubeconfig)) {
                first = await(api, agent, "KernelDeadlock True DockerHung", c -> c.getStatus().equals("True") && c.getReason().equals("DockerHung"));
            }
            // A write by the second agent in the same second could not tell a kept time from a new one.
            Instant next = Instant.parse(first.getLastHeartbeatTime()).plusSeconds(1);
            awaitClock(next);

            try (AgentProcess agent = start(tree, "second", kubeconfig)) {
                NodeCondition again = await(api, agent, "the second agent's write",
                        c -> c.getStatus().equals("True") && !Instant.parse(c.getLastHeartbeatTime()).isBefore(next));
                assertThat(again.getReason()).isEqualTo("DockerHung");
                assertThat(again.getLastTransitionTime()).as("the node never saw it go False; written by the first agent at %s, the second at %s",
                        first.getLastHeartbeatTime(), again.getLastHeartbeatTime()).isEqualTo(first.getLastTransitionTime());
                assertThat(agent.log()).containsPattern("node read node=node-a adopted=\\[[^]]*KernelDeadlock");
            }
        }
    }

    private AgentProcess start(DeployTree tree, String run, Path kubeconfig) throws Exception {
        Path folder = Files.createDirectories(work.resolve(run));
        Path config = Files.writeString(folder.resolve("nodemedic.yaml"), """
                status: {address: 127.0.0.1, port: 0}
                metrics: {address: 127.0.0.1, port: 0}
                kubernetes: {kubeconfig: %s}
                report: {socket: %s}
                daemons:
                  - daemon: kernel-log
                    name: kernel-monitor
                    config: %s
                """.formatted(kubeconfig, folder.resolve("report.sock"), work.resolve("kernel-monitor.json")));
        return AgentProcess.start(tree, folder, List.of("--config", config.toString(), "--plugins-dir", tree.dist().resolve("plugins").toString()),
                Map.of("NODE_NAME", "node-a"));
    }

    /** Reads the node until our KernelDeadlock entry matches; the agent works on its own threads, so this waits on the outcome, bounded. */
    private static NodeCondition await(StrategicMergeMockServer api, AgentProcess agent, String what, Predicate<NodeCondition> wanted) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            Optional<NodeCondition> entry = api.client().nodes().withName("node-a").get().getStatus().getConditions().stream()
                    .filter(c -> c.getType().equals("KernelDeadlock") && c.getMessage().endsWith("(nodemedic)")).findFirst();
            if (entry.isPresent() && wanted.test(entry.get())) {
                return entry.get();
            }
            // Paces the loop on the agent's own progress: its metrics answer once it has handled what came before.
            agent.scrape();
        }
        throw new AssertionError("the node never showed " + what + "; agent log:\n" + agent.log());
    }

    /** Waits, bounded, until the wall clock passes {@code instant}; the node's times have whole seconds. */
    private static void awaitClock(Instant instant) throws InterruptedException {
        Object tick = new Object();
        synchronized (tick) {
            while (Instant.now().isBefore(instant)) {
                tick.wait(Math.max(1, Duration.between(Instant.now(), instant).toMillis()));
            }
        }
    }
}
