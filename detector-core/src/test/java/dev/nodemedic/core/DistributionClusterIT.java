package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.reporter.kubernetes.StrategicMergeMockServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's launcher in cluster mode against fabric8's mock API server, over TLS, as the
 * DaemonSet runs it: the readiness probe's {@code /healthz} answers while the API server holds back
 * its first answer, and the conditions reach the node once it answers.
 */
class DistributionClusterIT {
    private static final Path DIST = Path.of(System.getProperty("nodemedic.dist", "target/nodemedic"));
    private static final Pattern STARTED = Pattern.compile("agent started .* status=http://([^/]+)/ ");
    private static final String NODE_PATH = "/api/v1/nodes/node-a";

    /** CRUD mode over TLS that also serves the agent's watch of its node: fabric8's own watch stalls the server's shutdown once the agent has closed it. */
    private StrategicMergeMockServer api;
    private KubernetesMockServer server;
    private KubernetesClient client;

    @TempDir
    Path work;

    private Process agent;
    private final CountDownLatch answer = new CountDownLatch(1);

    @BeforeEach
    void serve() {
        api = StrategicMergeMockServer.startTls();
        server = api.server();
        client = api.client();
    }

    @AfterEach
    void stop() throws InterruptedException {
        answer.countDown();
        if (agent != null) {
            agent.destroy();
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
        api.close();
    }

    @Test
    void healthzAnswersWhileTheApiServerHoldsItsFirstAnswerAndConditionsReachTheNodeOnceItAnswers() throws Exception {
        Node node = client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().withNewStatus().endStatus().build())
                .create();
        server.expect().patch().withPath(NODE_PATH + "/status").andReturn(200, node).always();
        server.expect().get().withPath(NODE_PATH).andReply(200, request -> {
            try {
                answer.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return node;
        }).once();
        Files.createDirectories(work.resolve("plugins"));
        Files.copy(DIST.resolve("plugins/reboot-required-" + AgentVersion.ofThisBuild().version() + ".jar"), work.resolve("plugins/reboot-required.jar"));
        Path marker = Files.writeString(work.resolve("reboot-required"), "");
        Files.writeString(work.resolve("pkgs"), "linux-image-6.1.0-27-amd64\n");
        Files.writeString(work.resolve("reboot-required.yaml"), "markerFile: " + marker + "\npackagesFile: " + work.resolve("pkgs") + "\n");
        Path config = Files.writeString(work.resolve("nodemedic.yaml"), """
                nodeName: node-a
                pluginsDir: plugins
                configDir: .
                status:
                  port: 0
                metrics:
                  port: 0
                report:
                  socket: %s
                """.formatted(work.resolve("report.sock")));
        Path log = work.resolve("agent.log");
        agent = new ProcessBuilder(DIST.resolve("bin/nodemedic").toString(), "run", "--kubeconfig", MockKubeconfig.write(client, work).toString(),
                "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();

        Matcher started = awaitLog(log, STARTED);
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + started.group(1) + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Files.readString(log)).as("no node read yet").doesNotContain("node read");

        answer.countDown();
        List<String> seen = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            assertThat(Instant.now()).as("a PATCH with RebootRequired True; seen %s; log:%n%s", seen, Files.readString(log)).isBefore(deadline);
            RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS);
            if (request == null) {
                continue;
            }
            // getBytes(): the server may read the same body to merge it.
            String body = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
            seen.add(request.getMethod() + " " + request.getPath());
            if (request.getMethod().equals("PATCH") && body.contains("\"type\":\"RebootRequired\",\"status\":\"True\"")) {
                break;
            }
        }
        // The node was read (and what is still true on it adopted) before the first patch.
        assertThat(seen).contains("GET " + NODE_PATH);
        assertThat(seen.indexOf("GET " + NODE_PATH)).isLessThan(seen.size() - 1);
        assertThat(seen).filteredOn(s -> s.startsWith("PATCH")).hasSize(1);
    }

    private Matcher awaitLog(Path log, Pattern line) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            Matcher matcher = line.matcher(Files.readString(log));
            if (matcher.find()) {
                return matcher;
            }
            if (agent.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the agent exited " + agent.exitValue() + ":\n" + Files.readString(log));
            }
        }
        throw new AssertionError("the agent did not start within 60s:\n" + Files.readString(log));
    }
}
