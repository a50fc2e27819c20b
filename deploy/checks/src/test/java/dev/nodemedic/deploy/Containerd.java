package dev.nodemedic.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A containerd of the test's own, as on a node: Debian's {@code containerd} with its root, state and
 * socket in a temporary folder (no port, no CRI plugin), driven with {@code ctr} in the kubelet's
 * namespace {@code k8s.io}. Images are imported as the README tells an operator, resolved by the names
 * the manifests give, and unpacked by its snapshotter into a container's root file system; {@link Pod}
 * runs containers from those with {@code runc}, as containerd's runtime shim would.
 */
final class Containerd implements AutoCloseable {
    static final String NAMESPACE = "k8s.io";
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Process daemon;
    private final List<String> containers = new ArrayList<>();
    private final List<Path> mounted = new ArrayList<>();

    private Containerd(Path dir, Process daemon) {
        this.dir = dir;
        this.daemon = daemon;
    }

    /** Why containerd and runc cannot run here, or empty. .ci/run installs both from Debian. */
    static String unavailableBecause() {
        for (String program : List.of("containerd", "ctr", "runc", "mount", "umount")) {
            if (Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).noneMatch(d -> Files.isExecutable(Path.of(d, program)))) {
                return program + " is not on PATH: apt-get install containerd runc (as .ci/run does)";
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "containerd and runc need root here (mounts, cgroups), as CI runs; this is " + System.getProperty("user.name");
        }
        return "";
    }

    /** Starts containerd in {@code dir} (kept short: the socket's path must fit in 108 bytes) and waits for it to answer. */
    static Containerd start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.toml");
        Files.writeString(config, """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                # No CRI plugin: it would listen on a port and want CNI; the test plays the kubelet itself.
                disabled_plugins = ["io.containerd.grpc.v1.cri"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd-ttrpc.sock"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                """.formatted(dir));
        Process daemon = new ProcessBuilder("containerd", "--config", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd containerd = new Containerd(dir, daemon);
        Instant deadline = Instant.now().plus(BOUND);
        while (true) {
            if (daemon.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("containerd exited " + daemon.exitValue() + ":\n" + containerd.log());
            }
            if (Files.exists(dir.resolve("containerd.sock")) && containerd.ctrQuietly("version").exit() == 0) {
                return containerd;
            }
            if (Instant.now().isAfter(deadline)) {
                containerd.close();
                throw new IllegalStateException("containerd did not answer on " + dir.resolve("containerd.sock") + " within " + BOUND + ":\n" + containerd.log());
            }
        }
    }

    /** {@code ctr -n k8s.io images import TAR}, as deploy/README.md tells an operator. */
    void importImage(Path tar) throws IOException, InterruptedException {
        if (!Files.isRegularFile(tar)) {
            throw new IllegalStateException(tar + " is missing: build the images first (./mvnw -pl deploy/image -am package)");
        }
        ctr("images", "import", tar.toString());
    }

    /** The manifest digest containerd holds each image name at ({@code ctr images ls}: REF TYPE DIGEST …). */
    Map<String, String> digests() throws IOException, InterruptedException {
        Map<String, String> digests = new TreeMap<>();
        ctr("images", "ls").lines().skip(1).map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+"))
                .forEach(columns -> digests.put(columns[0], columns[2]));
        return digests;
    }

    /** The names containerd holds images under ({@code ctr -n k8s.io images ls -q}): what the kubelet can ask for. */
    List<String> images() throws IOException, InterruptedException {
        return ctr("images", "ls", "-q").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The config of the image {@code reference}, read from containerd's content store as the CRI plugin reads it. */
    ImageConfig config(String reference) throws IOException, InterruptedException {
        List<String> held = images();
        String manifestDigest = ctr("images", "ls", "name==" + reference).lines().skip(1).map(l -> l.split("\\s+"))
                .filter(columns -> columns[0].equals(reference)).map(columns -> columns[2]).findFirst()
                .orElseThrow(() -> new IllegalStateException("containerd holds no image " + reference + "; it holds " + held));
        JsonNode manifest = JSON.readTree(ctr("content", "get", manifestDigest));
        return ImageConfig.parse(JSON.readTree(ctr("content", "get", manifest.at("/config/digest").asString())));
    }

    /**
     * A container {@code id} of image {@code reference}, its snapshot mounted at {@code target}: the root
     * file system runc gets. Unmounted and removed on {@link #close()}.
     */
    void unpack(String reference, String id, Path target) throws IOException, InterruptedException {
        ctr("containers", "create", reference, id);
        containers.add(id);
        Files.createDirectories(target);
        // ctr prints the mount(8) command that mounts the snapshot (overlay over the image's layers).
        String mount = ctr("snapshots", "mounts", target.toString(), id).strip();
        run(List.of("sh", "-c", mount));
        mounted.add(target);
    }

    /** containerd's default OCI runtime spec ({@code ctr oci spec}): the one its runtime starts a container from before a pod's settings apply. */
    JsonNode defaultSpec() throws IOException, InterruptedException {
        return JSON.readTree(ctr("oci", "spec"));
    }

    Path dir() {
        return dir;
    }

    /**
     * Where the containers' cgroups go: under a folder named for this containerd's own, so two builds on
     * one machine never share a cgroup (cgroup paths are machine-wide, runc's state is not).
     */
    String cgroupParent() {
        return "/nodemedic-checks/" + dir.getFileName();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("containerd.log"));
        } catch (IOException e) {
            return "(no containerd log: " + e.getMessage() + ")";
        }
    }

    private String ctr(String... args) throws IOException, InterruptedException {
        Result result = ctrQuietly(args);
        if (result.exit() != 0) {
            throw new IllegalStateException("ctr " + String.join(" ", args) + " exited " + result.exit() + ": " + result.output());
        }
        return result.output();
    }

    private Result ctrQuietly(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", dir.resolve("containerd.sock").toString(), "--namespace", NAMESPACE));
        command.addAll(List.of(args));
        return Result.of(command);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Result result = Result.of(command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + result.exit() + ": " + result.output());
        }
    }

    /** A short command's exit code and output, bounded in time. */
    record Result(int exit, String output) {
        static Result of(List<String> command) throws IOException, InterruptedException {
            Path out = Files.createTempFile("nodemedic-cmd", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + BOUND);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping containerd in " + dir + "; its mounts may be left", e);
        }
    }

    private void stop() throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (Path target : mounted.reversed()) {
            Result umount = Result.of(List.of("umount", target.toString()));
            if (umount.exit() != 0) {
                failures.add("umount " + target + ": " + umount.output());
            }
        }
        for (String id : containers) {
            Result rm = ctrQuietly("containers", "rm", id);
            if (rm.exit() != 0) {
                failures.add("ctr containers rm " + id + ": " + rm.output());
            }
        }
        daemon.destroy();
        if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // runc removed each container's cgroup; their parent folder, one per controller, is ours to remove.
        try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path parent : controllers.map(c -> c.resolve(cgroupParent().substring(1))).filter(Files::isDirectory).toList()) {
                try {
                    Files.delete(parent);
                } catch (IOException e) {
                    failures.add("rmdir " + parent + ": " + e);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("cleaning up after containerd in " + dir + " (left in place): " + String.join("; ", failures));
        }
        // Nothing is mounted any more: the folder (images, snapshots, pods) goes with the daemon.
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
