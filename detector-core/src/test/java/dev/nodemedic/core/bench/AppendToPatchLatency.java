package dev.nodemedic.core.bench;

import dev.nodemedic.reporter.kubernetes.StrategicMergeMockServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: a line appended to a watched file → the node status patch that carries it,
 * received by an API server on loopback. The agent runs from the distribution as its own process;
 * the shared workload generator appends at a fixed rate; this process stamps each probe line when it
 * appears in the file and when a PATCH containing it arrives. Run by detector-core/src/bench/latency.sh.
 *
 * <p>The API server is fabric8's mock with node status patches applied (the reporter's
 * {@code StrategicMergeMockServer}), so what is timed is the write of a line to the moment the
 * condition can be read back: the mock has merged a PATCH into the Node when it answers it.
 *
 * <p>Arguments: distribution dir, work dir, gen_kernlog.py path, lines/s, seconds, match rate, and
 * optionally {@code storm}: the shipped kernel rules instead (problems become Events), to count what
 * a log storm costs the API server and the agent.
 */
public final class AppendToPatchLatency {
    private static final Pattern PROBE = Pattern.compile("nodemedic-probe-(\\d+)");

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        String generator = args[2];
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        String matchRate = args[5];
        boolean storm = args.length > 6 && args[6].equals("storm");

        // The mock applies each node status patch before it answers, as the API server does: a
        // condition is readable through the API from the moment its PATCH is answered.
        StrategicMergeMockServer api = StrategicMergeMockServer.start();
        KubernetesMockServer server = api.server();
        api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("bench-node").endMetadata().withNewStatus().endStatus().build())
                .create();

        Path log = Files.writeString(work.resolve("kern.log"), "");
        Path config = work.resolve("kernel-monitor.json");
        // Every probe line should change a condition (one PATCH each); the workload's problems are the
        // default kernel rules' (OOM, I/O errors, oopses), so this config makes them permanent.
        if (storm) {
            Files.writeString(config, Files.readString(dist.resolve("config/kernel-monitor-filelog.json")).replace("/var/log/kern.log", log.toString())
                    .replace("\"lookback\": \"5m\"", "\"lookback\": \"0s\""));
        } else {
            Files.writeString(config, """
                {"plugin": "filelog", "logPath": "%s", "lookback": "0s", "bufferSize": 1, "source": "kernel-monitor",
                 "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: (?:\\\\[\\\\s*[\\\\d.]+\\\\] )?(.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [{"type": "KernelProblem", "reason": "NoKernelProblem", "message": "no kernel problem"}],
                 "rules": [{"type": "permanent", "condition": "KernelProblem", "reason": "KernelProblemSeen", "pattern": ".*nodemedic-probe-\\\\d+"}]}
                """.formatted(log));
        }
        Path agentConfig = Files.writeString(work.resolve("agent.yaml"), """
                nodeName: bench-node
                pluginsDir: %s
                status: {port: 0}
                metrics: {port: 0}
                kubernetes: {kubeconfig: %s}
                daemons:
                  - daemon: kernel-log
                    name: kernel-monitor
                    config: %s
                  - daemon: custom-plugin
                    enabled: false
                """.formatted(dist.resolve("plugins").toAbsolutePath(), api.writeKubeconfig(work.resolve("kubeconfig")), config));

        Process agent = new ProcessBuilder(dist.resolve("bin/nodemedic").toString(), "run", "--config", agentConfig.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile()).start();
        try {
            awaitFirstPatch(server);
            Map<Integer, Long> appended = new ConcurrentHashMap<>();
            Thread watcher = Thread.ofPlatform().name("file-watch").daemon(true).start(() -> watch(log, appended));
            Process generate = new ProcessBuilder("python3", generator, "--rate", String.valueOf(rate), "--duration", String.valueOf(seconds),
                    "--match-rate", matchRate, "--seed", "42", "--out", log.toString()).redirectErrorStream(true).redirectOutput(work.resolve("gen.log").toFile())
                    .start();
            Map<Integer, Long> patched = new HashMap<>();
            Map<String, Integer> requests = new HashMap<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 5);
            while (System.nanoTime() < end) {
                RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS);
                if (request == null) {
                    continue;
                }
                long at = System.nanoTime();
                requests.merge(request.getMethod() + " " + request.getPath().replaceAll("\\?.*", ""), 1, Integer::sum);
                // getBytes(), not readUtf8(): the server may still be merging this very body into the node.
                Matcher probe = PROBE.matcher(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
                while (request.getPath().endsWith("/status") && probe.find()) {
                    patched.putIfAbsent(Integer.parseInt(probe.group(1)), at);
                }
            }
            generate.waitFor();
            watcher.interrupt();
            report(appended, patched, requests, rate, seconds);
            System.out.println("generator: " + Files.readString(work.resolve("gen.log")).strip());
            System.out.printf("agent CPU over the run: %.1f %% of one core (utime+stime, JVM start included)%n",
                    100.0 * agent.toHandle().info().totalCpuDuration().orElseThrow().toMillis() / 1000.0 / (seconds + 5));
            System.out.println("agent metrics: " + metrics(work));
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
            api.close();
        }
    }

    private static void report(Map<Integer, Long> appended, Map<Integer, Long> patched, Map<String, Integer> requests, int rate, int seconds) {
        List<Double> latencies = new ArrayList<>();
        for (Map.Entry<Integer, Long> probe : patched.entrySet()) {
            Long at = appended.get(probe.getKey());
            if (at != null) {
                latencies.add((probe.getValue() - at) / 1e6);
            }
        }
        // The agent's first problem line takes paths the JIT has not compiled yet: shown apart.
        patched.keySet().stream().min(Integer::compare).filter(appended::containsKey)
                .ifPresent(first -> System.out.printf("first probe: %.1f ms%n", (patched.get(first) - appended.get(first)) / 1e6));
        latencies.sort(null);
        System.out.printf("workload: %d lines/s for %d s; %d probe lines appended, %d seen in a node status PATCH%n", rate, seconds, appended.size(),
                latencies.size());
        if (!latencies.isEmpty()) {
            System.out.printf("append -> PATCH received, condition readable once answered (ms): p50 %.1f, p90 %.1f, p99 %.1f, max %.1f%n",
                    pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), latencies.getLast());
        }
        System.out.println("API requests: " + requests);
    }

    /** The agent's own count of events sent, folded and dropped, from its /metrics. */
    private static String metrics(Path work) throws IOException, InterruptedException {
        Matcher port = Pattern.compile("metrics=http://127.0.0.1:(\\d+)/metrics").matcher(Files.readString(work.resolve("agent.log")));
        if (!port.find()) {
            return "(metrics port not in agent.log)";
        }
        String text = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith("nodemedic_events_") || l.startsWith("problem_counter")).toList().toString();
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Stamps each probe line when it appears in the file: polled every half millisecond, as close to the append as a reader gets. */
    private static void watch(Path log, Map<Integer, Long> appended) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long position = 0;
            StringBuilder partial = new StringBuilder();
            byte[] buffer = new byte[1 << 16];
            while (!Thread.currentThread().isInterrupted()) {
                long length = file.length();
                if (length > position) {
                    file.seek(position);
                    int n = file.read(buffer, 0, (int) Math.min(buffer.length, length - position));
                    long now = System.nanoTime();
                    position += n;
                    partial.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    int newline;
                    while ((newline = partial.indexOf("\n")) >= 0) {
                        Matcher probe = PROBE.matcher(partial.substring(0, newline));
                        if (probe.find()) {
                            appended.putIfAbsent(Integer.parseInt(probe.group(1)), now);
                        }
                        partial.delete(0, newline + 1);
                    }
                } else {
                    Thread.sleep(0, 500_000);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitFirstPatch(KubernetesMockServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS);
            if (request != null && request.getMethod().equals("PATCH")) {
                return;
            }
        }
        throw new IllegalStateException("the agent sent no node status patch within 60 s; see agent.log in the work dir");
    }
}
