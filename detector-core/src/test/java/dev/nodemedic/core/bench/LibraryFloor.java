package dev.nodemedic.core.bench;

import dev.nodemedic.reporter.kubernetes.StrategicMergeMockServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * Benchmark, not a test: the floor under the agent's footprint in cluster mode. Each {@link FloorProbe}
 * variant runs in a JVM of its own with the flags the distribution's launcher gives {@code run}, first
 * once to train its own AOT cache (as the build trains the agent's), then with that cache, against the
 * reporter's strategic-merge mock API server over TLS; after the idle period its RSS, split into
 * anonymous and file-backed pages, and its thread count are printed; then the same without the AOT
 * cache (the JDK's own CDS archive only). What the agent holds beyond the
 * {@code typed} row is the agent's own; what the {@code raw} row holds is the least the libraries the
 * agent must keep cost for its calls. Run by detector-core/src/bench/footprint-floor.sh.
 *
 * <p>Arguments: the distribution's launcher (its flags are checked to be still these), the class path
 * file, a work dir, and the idle seconds.
 */
public final class LibraryFloor {
    /**
     * The JVM flags bin/nodemedic gives {@code run}, C1 only and without its AOT cache (each probe gets
     * one of its own); {@link #main} fails when the launcher no longer has one of them.
     */
    private static final List<String> LAUNCHER_FLAGS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx64m", "-XX:MaxMetaspaceSize=64m",
            "-XX:ReservedCodeCacheSize=32m", "-Xss512k", "-XX:TrimNativeHeapInterval=5000", "-XX:MaxDirectMemorySize=16m",
            "-Dio.netty.allocator.type=unpooled", "-Dio.netty.tryReflectionSetAccessible=false", "-Dvertx.disableDnsResolver=true",
            "-Dio.netty.jfr.enabled=false", "-Dio.netty.maxDirectMemory=0", "-Dio.netty.ignoreMaxDirectMemorySize=true",
            "-XX:TieredStopAtLevel=1", "-Xmn4m", "-XX:MaxHeapFreeRatio=30", "-XX:MinHeapFreeRatio=10",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-XX:-AOTReplayTraining");
    private static final List<String> VARIANTS = List.of("jvm", "vertx", "raw", "typed");

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        String launcher = Files.readString(Path.of(args[0]));
        List<String> gone = LAUNCHER_FLAGS.stream().filter(flag -> !launcher.contains(flag)).toList();
        if (!gone.isEmpty()) {
            throw new IllegalStateException(args[0] + " no longer gives the agent " + gone + ": make LibraryFloor's flags the launcher's again");
        }
        Path work = Files.createDirectories(Path.of(args[2]));
        int idleSeconds = Integer.parseInt(args[3]);
        // An AOT cache is made only from jars: the probe's class goes in a jar of its own, and the
        // reactor's class folders are left out (the probe uses none of our classes).
        String classPath = Arrays.stream(Files.readString(Path.of(args[1])).strip().split(":")).filter(entry -> entry.endsWith(".jar"))
                .collect(Collectors.joining(":", probeJar(work) + ":", ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        try (StrategicMergeMockServer api = StrategicMergeMockServer.startTls()) {
            api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("floor-node").endMetadata().withNewStatus().endStatus().build()).create();
            String master = api.client().getConfiguration().getMasterUrl();
            System.out.printf("load average at start: %s", Files.readString(Path.of("/proc/loadavg")));
            System.out.println("FLOOR_JAVA_OPTS: " + System.getenv().getOrDefault("FLOOR_JAVA_OPTS", ""));
            System.out.printf("%-6s %12s %12s %12s %8s %10s%n", "probe", "RSS kB", "anonymous", "file", "threads", "AOT cache");
            for (String variant : VARIANTS) {
                Path cache = work.resolve(variant + ".aot");
                Process training = probe(java, classPath, List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot=error"), variant, master, "8")
                        .redirectOutput(work.resolve(variant + "-training.log").toFile()).start();
                if (!training.waitFor(120, TimeUnit.SECONDS) || training.exitValue() != 0) {
                    training.destroyForcibly();
                    throw new IllegalStateException(variant + "'s training run failed: " + Files.readString(work.resolve(variant + "-training.log")));
                }
                // With its cache, as the launcher runs the agent; then with the JDK's own CDS archive only.
                for (boolean cached : List.of(true, false)) {
                    List<String> flags = cached ? List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on") : List.of();
                    Process measured = probe(java, classPath, flags, variant, master, "0").start();
                    try {
                        awaitReady(measured, variant);
                        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
                        Map<String, String> status = status(measured.pid());
                        System.out.printf("%-6s %12s %12s %12s %8s %10s%n", variant, status.get("VmRSS"), status.get("RssAnon"), status.get("RssFile"),
                                status.get("Threads"), cached ? Files.size(cache) / 1024 + " kB" : "none");
                    } finally {
                        measured.destroy();
                        measured.waitFor(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    /** A probe's JVM, its output joined: the measured run's is read for {@code ready}, the training run's goes to a file. */
    private static ProcessBuilder probe(String java, String classPath, List<String> cacheFlags, String variant, String master, String seconds) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(LAUNCHER_FLAGS);
        command.addAll(cacheFlags);
        // FLOOR_JAVA_OPTS: flags to try on every probe, training runs included (-Xint, say).
        String extra = System.getenv().getOrDefault("FLOOR_JAVA_OPTS", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", classPath, FloorProbe.class.getName(), variant, master, "floor-node", seconds));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // As the launcher exports it.
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        return builder;
    }

    private static void awaitReady(Process probe, String variant) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals("ready")) {
                // Keep reading what it prints so that it never blocks on a full pipe.
                Thread.ofVirtual().start(() -> out.lines().forEach(ignored -> { }));
                return;
            }
            seen.add(line);
        }
        throw new IllegalStateException(variant + " ended before it was ready: " + String.join("\n", seen));
    }

    private static Map<String, String> status(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream().map(line -> line.split(":\\s+", 2))
                .filter(field -> field.length == 2).collect(Collectors.toMap(field -> field[0], field -> field[1].replace(" kB", ""), (a, b) -> a));
    }

    private static Path probeJar(Path work) throws IOException {
        Path jar = work.resolve("floor-probe.jar");
        String entry = FloorProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(entry));
            try (var in = LibraryFloor.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(out);
            }
            out.closeEntry();
        }
        return jar;
    }

    private LibraryFloor() {
    }
}
