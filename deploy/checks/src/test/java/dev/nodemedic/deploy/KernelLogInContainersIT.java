package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The agent's kernel log on a node that has only {@code /dev/kmsg} (no journal, no syslog file), in a
 * real container of the image with each render's security context: the default one (not privileged,
 * {@code SYSLOG} only, read-only root, {@code /dev/kmsg} mounted), whose device cgroup refuses the device;
 * and the {@code privileged-kmsg} variant (kustomize component, Helm {@code detector.privileged}), where a
 * line written to this machine's {@code /dev/kmsg} must become {@code KernelDeadlock True}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelLogInContainersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path scratch;

    private Renders all;
    private Containerd containerd;
    private Path nodes;
    private int pods;

    @BeforeAll
    void importTheAgentsTar() throws Exception {
        assertThat(Containerd.unavailableBecause()).as("running containerd and runc").isEmpty();
        assertThat(Files.isWritable(Path.of("/dev/kmsg"))).as("this machine's /dev/kmsg is writable (root)").isTrue();
        all = Renders.fromBuild(scratch);
        Path dir = Files.createTempDirectory("nmkmsg");
        containerd = Containerd.start(dir);
        containerd.importImage(Path.of(DeployTree.property("nodemedic.image.tar")));
        nodes = Files.createDirectories(dir.resolve("nodes"));
    }

    @AfterAll
    void stop() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    Stream<Manifests> unprivileged() throws Exception {
        return Stream.of(all.overlay("detector"), all.helm());
    }

    Stream<Manifests> privileged() throws Exception {
        return Stream.of(all.overlayWith("detector", List.of("privileged-kmsg")), all.helm("privileged-kmsg"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("privileged")
    void aPrivilegedAgentReadsKmsgAndAHungTaskBecomesKernelDeadlock(Manifests rendered) throws Exception {
        try (Pod pod = kmsgOnlyNode(rendered); Pod.Running agent = startAgent(pod)) {
            assertThat(agent.containerSpec().at("/securityContext/privileged").asBoolean(false)).as("%s: the detector is privileged", rendered).isTrue();
            String task = "docker:" + (100_000 + RANDOM.nextInt(900_000));
            writeKmsg("<3>task " + task + " blocked for more than 120 seconds.");

            JsonNode deadlock = agent.await("KernelDeadlock True for " + task,
                    () -> condition(agent, "KernelDeadlock").filter(c -> c.path("status").asString().equals("True") && c.path("message").asString().contains(task)));
            assertThat(deadlock.path("reason").asString()).isEqualTo("DockerHung");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unprivileged")
    void theDefaultAgentIsRefusedKmsgByItsDeviceCgroup(Manifests rendered) throws Exception {
        try (Pod pod = kmsgOnlyNode(rendered); Pod.Running agent = startAgent(pod)) {
            // The harness applies the DaemonSet's security context as a node's runtime does: the device is
            // mounted, CAP_SYSLOG held, and opening it is still refused (issue 14, item 2).
            Containerd.Result open = agent.exec(List.of("head", "-c", "1", "/dev/kmsg"));
            assertThat(open.output()).as("%s: opening /dev/kmsg in the container", rendered).contains("Operation not permitted");

            writeKmsg("<3>task docker:" + (100_000 + RANDOM.nextInt(900_000)) + " blocked for more than 120 seconds.");
            Optional<JsonNode> deadlock = condition(agent, "KernelDeadlock");
            assertThat(deadlock).as("%s: the kernel monitor declares KernelDeadlock", rendered).isPresent();
            // With nothing it can read, silence must not read as health (issue 14, item 2): Unknown, saying why.
            JsonNode unknown = agent.await("KernelDeadlock Unknown",
                    () -> condition(agent, "KernelDeadlock").filter(c -> c.path("status").asString().equals("Unknown")));
            assertThat(unknown.path("reason").asString()).isEqualTo("LogSourceUnavailable");
            assertThat(unknown.path("message").asString()).contains("/dev/kmsg");
        }
    }

    /** A node whose only kernel log is this machine's /dev/kmsg: its /var/log and journal folders are empty. */
    private Pod kmsgOnlyNode(Manifests rendered) throws Exception {
        String name = "kmsg-" + ++pods;
        return Pod.of(containerd, new FakeNode("node-a", nodes.resolve(name), Set.of("/dev/kmsg")), rendered, "DaemonSet", "nodemedic-detector", name);
    }

    private static Pod.Running startAgent(Pod pod) throws Exception {
        pod.runToCompletion("builtin-plugins");
        Pod.Running agent = pod.start("detector");
        agent.awaitProbe("readinessProbe");
        return agent;
    }

    private static Optional<JsonNode> condition(Pod.Running agent, String type) throws IOException, InterruptedException {
        int status = agent.port(agent.containerSpec().at("/readinessProbe/httpGet/port"));
        Optional<String> page = agent.get(status, "/conditions");
        if (page.isEmpty()) {
            return Optional.empty();
        }
        return JSON.readTree(page.get()).path("conditions").values().stream().filter(c -> c.path("type").asString().equals(type)).findFirst();
    }

    private static void writeKmsg(String line) throws Exception {
        Files.writeString(Path.of("/dev/kmsg"), line + "\n", StandardOpenOption.WRITE);
    }
}
