package dev.nodemedic.core.bench;

import dev.nodemedic.reporter.kubernetes.StrategicMergeMockServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Benchmark, not a test: the agent's footprint in cluster mode, as the DaemonSet runs it. The
 * distribution's launcher starts the agent against the reporter's strategic-merge mock API server over
 * TLS, with the four built-in daemons the DaemonSet's init container copies (custom-plugin,
 * disk-pressure, kernel-log, kubelet-health) and their default configs; kernel-log follows a kernel log
 * file. After the idle period it prints, for the JVM and every process under it, RSS and its parts
 * ({@code /proc/<pid>/smaps_rollup}), the JVM's threads by name and, when the run has native memory
 * tracking on ({@code NODEMEDIC_JAVA_OPTS=-XX:NativeMemoryTracking=summary}), jcmd's breakdown. Then the
 * shared generator appends kernel log lines at the storm rate and the peak of the sum over the agent's
 * processes is sampled every 100 ms. Last, after a full GC: the heap's live objects, metaspace and the
 * classes loaded (from the AOT cache and not). Run by detector-core/src/bench/footprint-cluster.sh.
 *
 * <p>The agent finds the API server as in a pod, through fabric8's auto-configuration (here its
 * {@code KUBERNETES_*} variables instead of the service account's files), or with {@code kubeconfig}
 * through a kubeconfig file: parsing one makes fabric8 load every model class it knows of (≈ 550 more
 * classes), which a pod never does.
 *
 * <p>Arguments: distribution dir, work dir, gen_kernlog.py path, idle seconds, storm lines/s, storm
 * seconds, and optionally {@code kubeconfig}.
 *
 * <p>With {@code FAKE_JOURNAL=1} the node is a journald node: a journalctl played by a script (as the
 * journal tests' stand-in: {@code --lines=1} prints an entry, a follower is {@code tail -f} of a file of
 * entries) comes first on the agent's PATH, and kernel-log reads the journal with the shipped
 * {@code kernel-monitor-journald.json}, as kubelet-health does for its unit: what the run shows is how many
 * journal readers the agent starts for the two. The storm still writes the kernel log file, which then
 * nobody reads.
 */
public final class ClusterFootprint {
    private static final List<String> DAEMONSET_PLUGINS = List.of("custom-plugin", "disk-pressure", "kernel-log", "kubelet-health");

    public static void main(String[] args) {
        // The mock server's threads would keep a failed run alive.
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        Path dist = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]));
        String generator = args[2];
        int idleSeconds = Integer.parseInt(args[3]);
        int stormRate = Integer.parseInt(args[4]);
        int stormSeconds = Integer.parseInt(args[5]);
        boolean withKubeconfig = args.length > 6 && args[6].equals("kubeconfig");

        Path plugins = Files.createDirectories(work.resolve("plugins"));
        try (Stream<Path> jars = Files.list(dist.resolve("plugins"))) {
            for (Path jar : jars.toList()) {
                if (DAEMONSET_PLUGINS.stream().anyMatch(name -> jar.getFileName().toString().startsWith(name + "-"))) {
                    Files.copy(jar, plugins.resolve(jar.getFileName()));
                }
            }
        }
        Path log = Files.writeString(work.resolve("kern.log"), "");
        boolean fakeJournal = System.getenv().getOrDefault("FAKE_JOURNAL", "").equals("1");
        Path rules = fakeJournal ? Files.copy(dist.resolve("config/kernel-monitor-journald.json"), work.resolve("kernel-monitor.json"))
                : Files.writeString(work.resolve("kernel-monitor.json"),
                        Files.readString(dist.resolve("config/kernel-monitor-filelog.json")).replace("/var/log/kern.log", log.toString()));
        Path fakeBin = fakeJournal ? fakeJournalctl(work) : null;

        try (StrategicMergeMockServer api = StrategicMergeMockServer.startTls()) {
            // The mock's first TLS handshake, on a cold JVM of a busy machine, can take longer than the client's default 10 s.
            Config patient = new ConfigBuilder(api.client().getConfiguration()).withConnectionTimeout(120_000).withRequestTimeout(120_000).build();
            try (KubernetesClient seed = new KubernetesClientBuilder().withConfig(patient).build()) {
                seed.nodes().resource(new NodeBuilder().withNewMetadata().withName("bench-node").endMetadata().withNewStatus().endStatus().build()).create();
            }
            int statusPort = freePort();
            Path agentConfig = Files.writeString(work.resolve("agent.yaml"), """
                    nodeName: bench-node
                    pluginsDir: %s
                    status: {port: %d}
                    metrics: {port: 0}
                    report: {socket: %s}
                    %s
                    daemons:
                      - daemon: kernel-log
                        name: kernel-monitor
                        config: %s
                    """.formatted(plugins, statusPort, work.resolve("report.sock"),
                    withKubeconfig ? "kubernetes: {kubeconfig: " + api.writeKubeconfig(work.resolve("kubeconfig")) + "}" : "", rules));
            System.out.printf("load average at start: %s", Files.readString(Path.of("/proc/loadavg")));
            System.out.println("NODEMEDIC_JAVA_OPTS: " + System.getenv().getOrDefault("NODEMEDIC_JAVA_OPTS", ""));
            long t0 = System.nanoTime();
            ProcessBuilder launch = new ProcessBuilder(dist.resolve("bin/nodemedic").toString(), "run", "--config", agentConfig.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile());
            if (!withKubeconfig) {
                // As in a pod: no kubeconfig; the API server, a token and trust come as fabric8's auto-configuration finds them.
                launch.environment().putAll(Map.of("KUBERNETES_MASTER", api.client().getConfiguration().getMasterUrl(), "KUBERNETES_AUTH_TOKEN", "bench-token",
                        "KUBERNETES_TRUST_CERTIFICATES", "true", "KUBERNETES_AUTH_TRYKUBECONFIG", "false", "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"));
            }
            System.out.println("API server configuration: " + (withKubeconfig ? "--kubeconfig file" : "auto-configuration, no kubeconfig (as in a pod)"));
            if (fakeJournal) {
                launch.environment().put("PATH", fakeBin + ":" + System.getenv("PATH"));
                System.out.println("journal: journalctl played by a script on the agent's PATH (" + fakeBin.resolve("journalctl")
                        + "); kernel-log on kernel-monitor-journald.json, kubelet-health on its unit");
            }
            Process agent = launch.start();
            try {
                awaitHealthy(agent, statusPort, work);
                System.out.printf("start -> /healthz 200: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                awaitFirstPatch(api);
                Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
                System.out.printf("%n== after %d s idle (load average %s)", idleSeconds, Files.readString(Path.of("/proc/loadavg")));
                printProcesses(agent.toHandle());
                printThreads(agent.pid());
                printNativeMemory(agent.pid());

                if (stormSeconds > 0) {
                    storm(agent.toHandle(), generator, log, stormRate, stormSeconds, work);
                }
                printLiveAfterFullGc(agent.pid());
            } finally {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A journalctl as the journal tests play it: its journal is a file of {@code -o json} entries, one of the kernel's and one of the kubelet's. */
    private static Path fakeJournalctl(Path work) throws IOException {
        Path bin = Files.createDirectories(work.resolve("bin"));
        long micros = System.currentTimeMillis() * 1000;
        Files.writeString(work.resolve("journal.json"), """
                {"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"%d","_TRANSPORT":"kernel","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"Linux version 6.1.0"}
                {"__CURSOR":"s=2","__REALTIME_TIMESTAMP":"%d","_SYSTEMD_UNIT":"kubelet.service","MESSAGE":"I1207 kubelet.go:2329] Starting kubelet main sync loop"}
                """.formatted(micros - 2_000_000, micros - 1_000_000));
        Path script = bin.resolve("journalctl");
        Files.writeString(script, """
                #!/bin/sh
                echo "$*" >> '%s'
                case " $* " in *" --lines=1 "*) head -n 1 '%s'; exit 0;; esac
                exec tail -n +1 -f '%s'
                """.formatted(work.resolve("journalctl.calls"), work.resolve("journal.json"), work.resolve("journal.json")));
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static void storm(ProcessHandle agent, String generator, Path log, int rate, int seconds, Path work) throws IOException, InterruptedException {
        Process generate = new ProcessBuilder("python3", generator, "--rate", String.valueOf(rate), "--duration", String.valueOf(seconds), "--seed", "42",
                "--out", log.toString()).redirectErrorStream(true).redirectOutput(work.resolve("gen.log").toFile()).start();
        long peak = 0;
        String peakSplit = "";
        while (generate.isAlive()) {
            List<ProcessHandle> processes = tree(agent);
            long sum = 0;
            StringBuilder split = new StringBuilder();
            for (ProcessHandle process : processes) {
                long rss = rollup(process.pid()).getOrDefault("Rss", 0L);
                sum += rss;
                split.append(' ').append(name(process.pid())).append('=').append(rss);
            }
            if (sum > peak) {
                peak = sum;
                peakSplit = split.toString();
            }
            Thread.sleep(100);
        }
        System.out.printf("%n== storm: %d lines/s asked for %d s (load average %s)", rate, seconds, Files.readString(Path.of("/proc/loadavg")));
        System.out.println("generator: " + Files.readString(work.resolve("gen.log")).strip());
        System.out.printf("peak RSS, agent and children together (sampled every 100 ms): %d kB = %.1f MiB (kB:%s)%n", peak, peak / 1024.0, peakSplit);
        System.out.printf("JVM VmHWM (peak since start): %s kB%n", status(agent.pid()).get("VmHWM"));
        System.out.printf("kernel log lines written: %d; file size %d bytes%n", Files.lines(log).count(), Files.size(log));
        // Whether the agent kept up: the problem lines it counted by the generator's end, and 10 s later.
        long written = Files.readAllLines(log).stream().filter(line -> line.contains("nodemedic-probe-")).count();
        long atEnd = problemsCounted(work);
        Thread.sleep(10_000);
        System.out.printf("problem lines written %d; counted by the agent (problem_counter) at the storm's end %d, 10 s later %d%n", written, atEnd,
                problemsCounted(work));
        printProcesses(agent);
        printNativeMemory(agent.pid());
    }

    /** The sum of the agent's {@code problem_counter} series, from its /metrics (its port is in agent.log). */
    private static long problemsCounted(Path work) throws IOException, InterruptedException {
        Matcher port = Pattern.compile("metrics=http://127.0.0.1:(\\d+)/metrics").matcher(Files.readString(work.resolve("agent.log")));
        if (!port.find()) {
            return -1;
        }
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return Math.round(text.lines().filter(line -> line.startsWith("problem_counter{")).mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum());
    }

    private static void printProcesses(ProcessHandle agent) {
        long total = 0;
        long proportional = 0;
        long privateDirty = 0;
        for (ProcessHandle process : tree(agent)) {
            Map<String, Long> rollup = rollup(process.pid());
            Map<String, String> status = status(process.pid());
            total += rollup.getOrDefault("Rss", 0L);
            proportional += rollup.getOrDefault("Pss", 0L);
            privateDirty += rollup.getOrDefault("Private_Dirty", 0L);
            System.out.printf("pid %d %s: Rss %d kB (Anonymous %d, file-backed %d, Private_Dirty %d, Pss %d), VmHWM %s, threads %s; %s%n", process.pid(),
                    name(process.pid()), rollup.get("Rss"), rollup.get("Anonymous"), rollup.get("Rss") - rollup.get("Anonymous"), rollup.get("Private_Dirty"),
                    rollup.get("Pss"), status.get("VmHWM"), status.get("Threads"), process.info().commandLine().map(c -> abbreviate(c)).orElse(""));
        }
        // RSS counts a shared library's pages once in every process that maps it; PSS splits them among
        // the processes; private dirty is what only that process holds (what ending it would free).
        System.out.printf("all together: RSS %d kB = %.1f MiB; PSS %d kB = %.1f MiB; private dirty %d kB = %.1f MiB%n", total, total / 1024.0, proportional,
                proportional / 1024.0, privateDirty, privateDirty / 1024.0);
        long aot = mappedRss(agent.pid(), ".aot");
        long jars = mappedRss(agent.pid(), ".jar");
        System.out.printf("JVM mappings: AOT cache %d kB, jars %d kB, libjvm %d kB%n", aot, jars, mappedRss(agent.pid(), "libjvm.so"));
    }

    /** The JVM's threads by name, numbers folded ({@code vert.x-eventloop-thread-#}), as /proc names them (15 characters). */
    private static void printThreads(long pid) throws IOException {
        Map<String, Integer> names = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.merge(Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "#"), 1, Integer::sum);
                } catch (IOException gone) {
                    // the thread ended while listed
                }
            }
        }
        System.out.printf("JVM threads: %d %s%n", names.values().stream().mapToInt(Integer::intValue).sum(), names);
    }

    private static void printNativeMemory(long pid) throws IOException, InterruptedException {
        // The heap's generations as the collector sizes them (committed, and used), without a GC.
        System.out.println("heap: " + jcmd(pid, "GC.heap_info").lines().filter(line -> line.contains("total") || line.contains("space"))
                .map(String::strip).collect(Collectors.joining("; ")));
        if (!System.getenv().getOrDefault("NODEMEDIC_JAVA_OPTS", "").contains("NativeMemoryTracking")) {
            return;
        }
        String out = jcmd(pid, "VM.native_memory", "summary", "scale=KB");
        // The totals and one line per category: "-  Java Heap (reserved=65536KB, committed=12288KB)".
        System.out.println("native memory tracking (committed, kB):");
        out.lines().filter(line -> line.startsWith("Total") || line.matches("-\\s+\\S.*\\(reserved=.*"))
                .map(line -> "  " + line.replaceAll("^-\\s+", "").replaceAll("\\(reserved=\\d+KB, committed=(\\d+)KB\\)", "$1").strip())
                .forEach(System.out::println);
    }

    /**
     * Last, since it changes what follows: what stays after a full GC (the heap's live objects),
     * metaspace as the JVM accounts it, and how many classes loaded, and how many of them from the AOT cache.
     */
    private static void printLiveAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        System.out.printf("%n== after a full GC (jcmd GC.run)%n");
        System.out.println("heap: " + jcmd(pid, "GC.heap_info").lines().filter(line -> line.contains("total")).map(String::strip)
                .collect(Collectors.joining("; ")));
        // "Total Usage - 254 loaders, 9345 classes (6949 shared):" and its "Both:" line (class space and the rest).
        System.out.println("metaspace: " + jcmd(pid, "VM.metaspace", "show-loaders=false").lines().map(String::strip)
                .filter(line -> line.startsWith("Total Usage") || line.startsWith("Both:")).limit(2).collect(Collectors.joining("; ")));
        System.out.println("classes: " + jcmd(pid, "PerfCounter.print").lines()
                .filter(line -> line.startsWith("java.cls.loadedClasses=") || line.startsWith("java.cls.sharedLoadedClasses="))
                .collect(Collectors.joining(" ")));
    }

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor();
        return out;
    }

    /**
     * The agent and the processes under it. A child the JVM has forked but not yet exec'd (it has the
     * JVM's command line and a thread's name) shares the JVM's pages for that moment: counting its RSS
     * would count the JVM twice, so it is left out (a storm run once sampled one at the JVM's 116 MB). A
     * child that is a JVM of its own (an NPD helper a script started) has another command line and counts.
     */
    private static List<ProcessHandle> tree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        Optional<String> jvm = root.info().commandLine();
        root.descendants().filter(ProcessHandle::isAlive).filter(child -> jvm.isEmpty() || !child.info().commandLine().equals(jvm)).forEach(all::add);
        return all;
    }

    private static Map<String, Long> rollup(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup")).stream().skip(1).map(line -> line.split(":\\s+"))
                    .collect(Collectors.toMap(field -> field[0], field -> Long.parseLong(field[1].replace(" kB", "").strip()), (a, b) -> a, TreeMap::new));
        } catch (IOException gone) {
            return Map.of();
        }
    }

    private static Map<String, String> status(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream().map(line -> line.split(":\\s+", 2))
                    .filter(field -> field.length == 2).collect(Collectors.toMap(field -> field[0], field -> field[1].replace(" kB", ""), (a, b) -> a));
        } catch (IOException gone) {
            return Map.of();
        }
    }

    /** RSS of the mappings whose path contains {@code what}, summed from /proc/<pid>/smaps. */
    private static long mappedRss(long pid, String what) {
        try {
            long kb = 0;
            boolean inside = false;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"))) {
                if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                    inside = line.contains(what);
                } else if (inside && line.startsWith("Rss:")) {
                    kb += Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return kb;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip();
        } catch (IOException gone) {
            return "?";
        }
    }

    private static String abbreviate(String commandLine) {
        return commandLine.length() > 120 ? commandLine.substring(0, 120) + "…" : commandLine;
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    private static void awaitHealthy(Process agent, int port, Path work) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && agent.isAlive()) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no /healthz 200; log:\n" + Files.readString(work.resolve("agent.log")));
    }

    private static void awaitFirstPatch(StrategicMergeMockServer api) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            RecordedRequest request = api.server().takeRequest(100, TimeUnit.MILLISECONDS);
            if (request != null && request.getMethod().equals("PATCH")) {
                return;
            }
        }
        throw new IllegalStateException("the agent sent no node status patch within 60 s");
    }
}
