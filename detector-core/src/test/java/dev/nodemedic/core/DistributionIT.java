package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.http.ConnectionFlood;
import dev.nodemedic.daemon.api.DaemonApi;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution the build assembled, run through its launcher as an operator runs it. */
class DistributionIT {
    private static final Path DIST = Path.of(System.getProperty("nodemedic.dist", "target/nodemedic"));

    @TempDir
    Path work;

    record Run(int exit, String output) {
    }

    private Run launch(List<String> args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(DIST.resolve("bin/nodemedic").toString());
        command.addAll(args);
        Path log = work.resolve("output.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the launcher finished").isTrue();
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void theDistributionHasItsParts() {
        assertThat(DIST.resolve("bin/nodemedic")).isExecutable();
        assertThat(DIST.resolve("plugins/reboot-required-" + version() + ".jar")).isRegularFile();
        assertThat(DIST.resolve("config/nodemedic.yaml")).isRegularFile();
        assertThat(DIST.resolve("config/kernel-monitor.json")).isRegularFile();
        assertThat(DIST.resolve("plugins/kernel-log-" + version() + ".jar")).isRegularFile();
        assertThat(DIST.resolve("lib/detector-core-" + version() + ".jar")).isRegularFile();
    }

    @Test
    void theLauncherFindsJava25AndPrintsTheVersion() throws Exception {
        Run run = launch(List.of("version"));
        assertThat(run.exit()).isZero();
        assertThat(run.output()).startsWith("nodemedic " + version() + " (daemon-api " + DaemonApi.VERSION + ", Java 25");
    }

    @Test
    void theAgentRunsLocallyOnTheShippedConfigAndStops() throws Exception {
        // The shipped config with a free port, so a real agent on 20256 does not collide.
        Path config = work.resolve("nodemedic.yaml");
        Files.writeString(config, Files.readString(DIST.resolve("config/nodemedic.yaml")).replace("port: 20256", "port: 0").replace("port: 20257", "port: 0")
                .replace("pluginsDir: ../plugins", "pluginsDir: " + DIST.resolve("plugins").toAbsolutePath())
                .replace("# socket: /run/nodemedic/report.sock", "socket: " + work.resolve("report.sock")));

        Run run = launch(List.of("run", "--local", "--config", config.toString(), "--stop-after", "2s", "--log-format", "json"));

        assertThat(run.exit()).isZero();
        assertThat(run.output()).contains("\"message\":\"daemon started daemon=reboot-required")
                .contains("\"message\":\"agent started node=").contains("report=unix:" + work.resolve("report.sock"))
                .contains("\"message\":\"agent stopped\"");
        assertThat(run.output().lines()).allSatisfy(line -> assertThat(line).startsWith("{\"time\":\""));
    }

    /**
     * The attack on the agent as shipped (the launcher's 64 MiB heap): 20,000 connections that
     * send only {@code GET / HTTP/1.1} to each of the status and metrics ports, then the probe and a
     * scrape, which must be answered; the agent must still be running, with no OutOfMemoryError. It
     * stops by itself (--stop-after) if the test does not stop it first.
     */
    @Test
    void theAgentAsShippedOutlivesAFloodOfHalfSentRequestsOnBothPorts() throws Exception {
        Path config = work.resolve("nodemedic.yaml");
        Files.writeString(config, "pluginsDir: " + work.resolve("no-plugins") + "\nstatus:\n  port: 0\nmetrics:\n  port: 0\nreport:\n  enabled: false\n");
        Files.createDirectories(work.resolve("no-plugins"));
        Path log = work.resolve("agent.txt");
        Process agent = new ProcessBuilder(DIST.resolve("bin/nodemedic").toString(), "run", "--local", "--config", config.toString(), "--stop-after", "3m")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Pattern started = Pattern.compile("status=http://127\\.0\\.0\\.1:(\\d+)/ metrics=http://127\\.0\\.0\\.1:(\\d+)/metrics");
            AtomicReference<Matcher> ports = new AtomicReference<>();
            RecordingDaemonContext.awaitTrue("the agent to start", Duration.ofMinutes(1), () -> {
                Matcher m = started.matcher(read(log));
                return m.find() && ports.compareAndSet(null, m);
            });
            HttpClient http = HttpClient.newHttpClient();
            for (int group : List.of(1, 2)) {
                int port = Integer.parseInt(ports.get().group(group));
                ConnectionFlood.run(new InetSocketAddress("127.0.0.1", port), 20_000, 64 + 100,
                        Duration.ofMinutes(2));
                String path = group == 1 ? "/healthz" : "/metrics";
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(path + " after the flood").isEqualTo(200);
            }
            assertThat(agent.isAlive()).as(read(log)).isTrue();
        } finally {
            agent.destroy();
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(read(log)).doesNotContain("OutOfMemoryError").contains("agent stopped");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void rulesTestReplaysALogThroughTheKernelLogPluginsCommand() throws Exception {
        Path log = Files.writeString(work.resolve("kern.log"), """
                Nov 23 10:00:01 node-a kernel: [ 12.000001] eth0: link up
                Nov 23 10:00:02 node-a kernel: [ 13.000002] Out of memory: Killed process 4242 (java) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB
                Nov 23 10:00:03 node-a kernel: [ 14.000003] task docker:7 blocked for more than 120 seconds.
                """);

        Run run = launch(List.of("rules", "test", "--config", DIST.resolve("config/kernel-monitor-filelog.json").toString(), "--log", log.toString()));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("OOMKilling").contains("DockerHung").contains("lines/s");
    }

    @Test
    void checkConfigAcceptsTheShippedConfig() throws Exception {
        Run run = launch(List.of("check-config", DIST.resolve("config/nodemedic.yaml").toString()));
        assertThat(run.exit()).as(run.output()).isZero();
    }

    private static String version() {
        return AgentVersion.ofThisBuild().version();
    }
}
