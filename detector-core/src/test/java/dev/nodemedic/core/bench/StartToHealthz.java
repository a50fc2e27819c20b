package dev.nodemedic.core.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test: how long the distribution's agent takes from the launcher's start to the
 * first {@code 200} of {@code /healthz} (what a readiness probe and a rollout wait for), JVM start
 * included, in local mode and in cluster mode against fabric8's mock API server over TLS; and in
 * cluster mode, to the first node status PATCH the API server receives. Starts alternate between the
 * modes, so a machine busy with other work slows both alike. With each time, the CPU the JVM had used
 * (user + system, all its threads) when {@code /healthz} first answered: what a node pays for a
 * start, and less sensitive to the machine's load than the time. Run by detector-core/src/bench/start.sh.
 *
 * <p>Arguments: distribution dir, work dir, starts per mode.
 */
public final class StartToHealthz {

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        int starts = Integer.parseInt(args[2]);

        KubernetesMockServer server = new KubernetesMockServer(true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        Node node = new NodeBuilder().withNewMetadata().withName("bench-node").endMetadata().withNewStatus().endStatus().build();
        server.expect().get().withPath("/api/v1/nodes/bench-node").andReturn(200, node).always();
        server.expect().patch().withPath("/api/v1/nodes/bench-node/status").andReturn(200, node).always();
        server.expect().post().withPath("/api/v1/namespaces/default/events").andReturn(201, "{}").always();
        server.expect().patch().withPath("/api/v1/namespaces/default/events").andReturn(200, "{}").always();
        Path kubeconfig = Files.writeString(work.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: bench
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: agent
                  user: {token: bench-token}
                contexts:
                - name: bench
                  context: {cluster: bench, user: agent}
                current-context: bench
                """.formatted(server.url("/")));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        List<Long> local = new ArrayList<>();
        List<Long> cluster = new ArrayList<>();
        List<Long> patch = new ArrayList<>();
        List<Long> localCpu = new ArrayList<>();
        List<Long> clusterCpu = new ArrayList<>();
        System.out.printf("load average before: %s", Files.readString(Path.of("/proc/loadavg")));
        try {
            for (int i = 0; i < starts; i++) {
                local.add(start(dist, work, http, false, kubeconfig, server, patch, localCpu));
                cluster.add(start(dist, work, http, true, kubeconfig, server, patch, clusterCpu));
            }
        } finally {
            server.destroy();
        }
        System.out.printf("load average after: %s", Files.readString(Path.of("/proc/loadavg")));
        print("local   start -> /healthz 200", local);
        print("cluster start -> /healthz 200", cluster);
        print("local   CPU (user+sys) at /healthz 200", localCpu);
        print("cluster CPU (user+sys) at /healthz 200", clusterCpu);
        print("cluster start -> first node status PATCH received", patch);
    }

    /**
     * One start: returns the milliseconds to the first 200 of /healthz and adds the JVM's CPU milliseconds
     * by then to {@code cpu}; in cluster mode adds the time to the first PATCH to {@code patch}.
     */
    private static long start(Path dist, Path work, HttpClient http, boolean inCluster, Path kubeconfig, KubernetesMockServer server, List<Long> patch,
            List<Long> cpu) throws IOException, InterruptedException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(work.resolve("agent.yaml"), """
                nodeName: bench-node
                pluginsDir: %s
                status: {port: %d}
                metrics: {port: 0}
                report: {socket: %s}
                """.formatted(dist.resolve("plugins").toAbsolutePath(), port, work.resolve("report.sock")));
        while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
            // requests of the previous start
        }
        List<String> command = new ArrayList<>(List.of(dist.resolve("bin/nodemedic").toString(), "run", "--config", config.toString()));
        command.addAll(inCluster ? List.of("--kubeconfig", kubeconfig.toString()) : List.of("--local"));
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2)).build();
        long t0 = System.nanoTime();
        Process agent = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile()).start();
        try {
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                if (System.nanoTime() > deadline || !agent.isAlive()) {
                    throw new IllegalStateException("no /healthz 200 (" + (agent.isAlive() ? "60 s" : "exited " + agent.exitValue()) + "); log:\n"
                            + Files.readString(work.resolve("agent.log")));
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(5);
            }
            long healthy = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            // The launcher execs the JVM: the process started is the JVM.
            agent.toHandle().info().totalCpuDuration().ifPresent(used -> cpu.add(used.toMillis()));
            if (inCluster) {
                while (System.nanoTime() < deadline) {
                    RecordedRequest request = server.takeRequest(5, TimeUnit.MILLISECONDS);
                    if (request != null && request.getMethod().equals("PATCH") && request.getPath().endsWith("/status")) {
                        patch.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                        break;
                    }
                }
            }
            return healthy;
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void print(String what, List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("%s (ms, %d starts): %s, median %d%n", what, sorted.size(), sorted, sorted.isEmpty() ? -1 : sorted.get((sorted.size() - 1) / 2));
    }
}
