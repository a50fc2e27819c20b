package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodemedic.apiserver.serving.ConnectionFlood;
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
import java.util.Map;
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
        return launch(args, Map.of());
    }

    private Run launch(List<String> args, Map<String, String> environment) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(DIST.resolve("bin/nodemedic").toString());
        command.addAll(args);
        Path log = work.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
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

    /**
     * picocli's classes come from the AOT cache: they are Java 5 class files, which the cache refuses, so
     * the build rewrites them as Java 8 ones (src/build/ClassFileUpgrade.java). Before, every command read
     * and verified them from the jar at start.
     */
    @Test
    void picocliComesFromTheAotCacheNotFromItsJar() throws Exception {
        assumeTrue(Files.isRegularFile(DIST.resolve("lib/nodemedic.aot")), "the distribution was built without its AOT cache (-Daot.skip)");

        Run run = launch(List.of("version"), Map.of("NODEMEDIC_JAVA_OPTS", "-Xlog:class+load=info"));

        assertThat(run.exit()).isZero();
        assertThat(run.output()).contains("picocli.CommandLine source: shared objects file")
                .doesNotContainPattern("picocli\\.\\S+ source: (jar:)?file:");
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

    /**
     * NPD's kernel-monitor-counter.json rule, run by the custom-plugin daemon of a real agent: the rule's
     * path is NPD's helper (here a link to the distribution's bin/log-counter, as the image's
     * /home/kubernetes/bin/log-counter is), which reads the journal through journalctl. journalctl is a
     * script on the agent's PATH printing three unregister_netdevice entries of the last minutes, as
     * {@code journalctl -o json} does: the rule's --count=3 is met and FrequentUnregisterNetDevice goes True
     * with NPD's message.
     */
    @Test
    void npdsKernelMonitorCounterRunsTheDistributionsLogCounterThroughTheCustomPluginDaemon() throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        long nowMicros = System.currentTimeMillis() * 1000;
        StringBuilder journal = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            journal.append("{\"__REALTIME_TIMESTAMP\":\"").append(nowMicros - i * 60_000_000L)
                    .append("\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"MESSAGE\":\"unregister_netdevice: waiting for eth0 to become free. Usage count = 1\"}\n");
        }
        Files.writeString(work.resolve("journal.json"), journal);
        Path journalctl = Files.writeString(bin.resolve("journalctl"), "#!/bin/sh\necho \"$*\" >> '" + work.resolve("journalctl.calls") + "'\ncat '"
                + work.resolve("journal.json") + "'\n");
        Files.setPosixFilePermissions(journalctl, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path helpers = Files.createDirectories(work.resolve("home/kubernetes/bin"));
        Path logCounter = Files.createSymbolicLink(helpers.resolve("log-counter"), DIST.resolve("bin/log-counter").toAbsolutePath());
        Path journalDir = Files.createDirectories(work.resolve("var/log/journal"));
        // kernel-monitor-counter.json as NPD ships it, but for where the helper and the journal are.
        Path counter = Files.writeString(work.resolve("kernel-monitor-counter.json"), """
                {"plugin": "custom",
                 "pluginConfig": {"invoke_interval": "5m", "timeout": "1m", "max_output_length": 80, "concurrency": 1},
                 "source": "kernel-monitor", "metricsReporting": true,
                 "conditions": [{"type": "FrequentUnregisterNetDevice", "reason": "NoFrequentUnregisterNetDevice", "message": "node is functioning properly"}],
                 "rules": [{"type": "permanent", "condition": "FrequentUnregisterNetDevice", "reason": "UnregisterNetDevice", "path": "%s",
                            "args": ["--journald-source=kernel", "--log-path=%s", "--lookback=20m", "--count=3",
                                     "--pattern=unregister_netdevice: waiting for \\\\w+ to become free. Usage count = \\\\d+"],
                            "timeout": "1m"}]}
                """.formatted(logCounter, journalDir));
        Path config = Files.writeString(work.resolve("nodemedic.yaml"), """
                pluginsDir: %s
                status: {port: 0}
                metrics: {port: 0}
                report: {enabled: false}
                daemons:
                  - daemon: custom-plugin
                    name: kernel-monitor-counter
                    config: %s
                """.formatted(DIST.resolve("plugins").toAbsolutePath(), counter));
        Path log = work.resolve("agent.txt");
        ProcessBuilder agent = new ProcessBuilder(DIST.resolve("bin/nodemedic").toString(), "run", "--local", "--config", config.toString(), "--stop-after", "90s")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        agent.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = agent.start();
        try {
            RecordingDaemonContext.awaitTrue("FrequentUnregisterNetDevice True in the agent's log", Duration.ofSeconds(80),
                    () -> read(log).contains("type=FrequentUnregisterNetDevice from=False to=True reason=UnregisterNetDevice"));
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(read(log)).contains("Found 3 matching logs, which meets the threshold of 3");
        assertThat(Files.readString(work.resolve("journalctl.calls"))).contains("--directory=" + journalDir, "SYSLOG_IDENTIFIER=kernel");
    }

    /** NPD's health-checker through a link, as the image's /home/kubernetes/bin/health-checker: NPD's exit codes. */
    @Test
    void npdsHealthCheckerAnswersWithNpdsExitCodesThroughALinkToTheDistribution() throws Exception {
        Path helper = Files.createSymbolicLink(work.resolve("health-checker"), DIST.resolve("bin/health-checker").toAbsolutePath());
        com.sun.net.httpserver.HttpServer kubelet = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        AtomicReference<Integer> status = new AtomicReference<>(200);
        kubelet.createContext("/healthz", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(status.get(), 2);
                exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
            }
        });
        kubelet.start();
        try {
            List<String> args = List.of(helper.toString(), "--component=kubelet", "--enable-repair=false");
            assertThat(helperRun(args, kubelet.getAddress().getPort()).exit()).isZero();
            status.set(500);
            Run unhealthy = helperRun(args, kubelet.getAddress().getPort());
            assertThat(unhealthy.exit()).isEqualTo(1);
            assertThat(unhealthy.output()).contains("kubelet:kubelet was found unhealthy; repair flag : false");
            assertThat(helperRun(List.of(helper.toString(), "--component=etcd"), kubelet.getAddress().getPort()).exit()).isEqualTo(2);
        } finally {
            kubelet.stop(0);
        }
    }

    private Run helperRun(List<String> command, int kubeletPort) throws IOException, InterruptedException {
        Path out = work.resolve("helper.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("KUBELET_PORT", String.valueOf(kubeletPort));
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the helper finished").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static String version() {
        return AgentVersion.ofThisBuild().version();
    }
}
