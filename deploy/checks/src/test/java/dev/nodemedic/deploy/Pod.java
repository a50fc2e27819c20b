package dev.nodemedic.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One pod of a rendered workload, run on a {@link FakeNode} from the images containerd holds: its volumes
 * made as the kubelet makes them (ConfigMaps from the same render, emptyDirs, hostPaths from the node),
 * and each container started with {@code runc} from containerd's default spec with what the pod spec says
 * applied as containerd's CRI plugin applies it: the process ({@link ContainerCommand}), env with the
 * downward API, working directory, user and groups, capabilities ({@code drop: [ALL]}, {@code add}), a
 * read-only root, {@code privileged} (every capability and device, nothing masked), no new privileges
 * unless allowed, and the volume mounts.
 *
 * <p>Not as in a cluster: each container has a network namespace of its own (loopback only), even for
 * {@code hostNetwork: true}, so the manifests' fixed ports never meet another process's; probes are made
 * from inside the container ({@code wget} of the image's busybox) instead of from the node; and the
 * runtime's seccomp profile is not applied.
 */
final class Pod implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(90);
    /** The capabilities by number (CAP_CHOWN is 0, CAP_CHECKPOINT_RESTORE 40), to read a capability mask. */
    private static final List<String> CAPABILITIES_BY_NUMBER = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
            "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
            "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
            "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
            "CHECKPOINT_RESTORE");

    private final Containerd containerd;
    private final FakeNode node;
    private final Manifests rendered;
    private final JsonNode workload;
    private final JsonNode spec;
    private final String name;
    private final Path dir;
    private final Map<String, Path> volumes = new HashMap<>();
    private final List<Running> started = new ArrayList<>();

    private Pod(Containerd containerd, FakeNode node, Manifests rendered, JsonNode workload, String name, Path dir) {
        this.containerd = containerd;
        this.node = node;
        this.rendered = rendered;
        this.workload = workload;
        this.spec = workload.at("/spec/template/spec");
        this.name = name;
        this.dir = dir;
    }

    /** The pod of {@code kind}/{@code workloadName} in {@code rendered}, its volumes made; {@code name} must be unique on the containerd. */
    static Pod of(Containerd containerd, FakeNode node, Manifests rendered, String kind, String workloadName, String name) throws IOException {
        Path dir = Files.createDirectories(containerd.dir().resolve("pods").resolve(name));
        Pod pod = new Pod(containerd, node, rendered, rendered.one(kind, workloadName), name, dir);
        pod.makeVolumes();
        return pod;
    }

    JsonNode spec() {
        return spec;
    }

    /** The containers of {@code list} ({@code initContainers} or {@code containers}) whose image passes {@code ours}. */
    List<JsonNode> containers(String list, Predicate<String> ours) {
        return spec.path(list).values().stream().filter(c -> ours.test(c.path("image").asString())).toList();
    }

    JsonNode container(String containerName) {
        return Stream.concat(spec.path("initContainers").values().stream(), spec.path("containers").values().stream()).filter(c -> c.path("name").asString().equals(containerName))
                .findFirst().orElseThrow(() -> new AssertionError(rendered + ": the pod has no container " + containerName));
    }

    /** Runs an init container to its end, as the kubelet does before the others start; a non-zero exit fails with its output. */
    String runToCompletion(String containerName) throws IOException, InterruptedException {
        try (Running init = start(containerName)) {
            if (!init.process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(rendered + ": init container " + containerName + " did not finish within " + BOUND + ":\n" + init.printed());
            }
            if (init.process.exitValue() != 0) {
                throw new AssertionError(rendered + ": init container " + containerName + " exited " + init.process.exitValue() + ":\n" + init.printed());
            }
            return init.printed();
        }
    }

    /** Starts a container; it runs until {@link Running#close()} or {@link #close()}. */
    Running start(String containerName) throws IOException, InterruptedException {
        JsonNode container = container(containerName);
        String image = container.path("image").asString();
        String id = name + "-" + containerName;
        Path rootfs = dir.resolve(containerName + "-rootfs");
        containerd.unpack(image, id, rootfs);
        ImageConfig config = containerd.config(image);
        Path bundle = Files.createDirectories(dir.resolve(containerName + "-bundle"));
        JSON.writeValue(bundle.resolve("config.json").toFile(), runtimeSpec(container, config, rootfs));
        Path log = dir.resolve(containerName + ".log");
        Process process = new ProcessBuilder(runc("run", "--bundle", bundle.toString(), id)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Running running = new Running(id, container, process, log);
        started.add(running);
        return running;
    }

    private ObjectNode runtimeSpec(JsonNode container, ImageConfig image, Path rootfs) throws IOException, InterruptedException {
        ObjectNode oci = (ObjectNode) containerd.defaultSpec();
        JsonNode security = container.path("securityContext");
        JsonNode podSecurity = spec.path("securityContext");
        boolean privileged = security.path("privileged").asBoolean(false);

        ObjectNode root = oci.putObject("root");
        root.put("path", rootfs.toString());
        root.put("readonly", security.path("readOnlyRootFilesystem").asBoolean(false));
        oci.put("hostname", name);

        ObjectNode process = (ObjectNode) oci.path("process");
        ArrayNode args = process.putArray("args");
        Map<String, String> environment = environment(image, container);
        ContainerCommand.of(image, container, environment).argv().forEach(args::add);
        ArrayNode env = process.putArray("env");
        environment.forEach((k, v) -> env.add(k + "=" + v));
        process.put("cwd", container.path("workingDir").asString(image.workingDir()));
        ObjectNode user = process.putObject("user");
        String[] imageUser = image.user().isEmpty() ? new String[] {"0"} : image.user().split(":");
        long uid = firstOf(security, podSecurity, "runAsUser").orElse(Long.parseLong(imageUser[0]));
        user.put("uid", uid);
        user.put("gid", firstOf(security, podSecurity, "runAsGroup").orElse(imageUser.length > 1 ? Long.parseLong(imageUser[1]) : 0));
        ArrayNode groups = user.putArray("additionalGids");
        podSecurity.path("supplementalGroups").values().forEach(g -> groups.add(g.asLong()));
        if (podSecurity.has("fsGroup")) {
            groups.add(podSecurity.path("fsGroup").asLong());
        }
        List<String> capabilities = privileged ? runtimesOwnCapabilities() : capabilities(process, security);
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode list = caps.putArray(set);
            capabilities.forEach(list::add);
        }
        process.put("noNewPrivileges", !privileged && !security.path("allowPrivilegeEscalation").asBoolean(true));

        ArrayNode mounts = (ArrayNode) oci.path("mounts");
        // containerd's tmpfs on /run is ctr's, not the CRI plugin's: a pod sees the image's /run.
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (mounts.get(i).path("destination").asString().equals("/run")) {
                mounts.remove(i);
            }
        }
        for (JsonNode mount : container.path("volumeMounts").values()) {
            Path source = volumes.get(mount.path("name").asString());
            if (source == null) {
                throw new AssertionError(rendered + ": " + container.path("name").asString() + " mounts volume " + mount.path("name").asString() + ", which the pod does not have");
            }
            if (mount.has("subPath")) {
                source = Files.createDirectories(source.resolve(mount.path("subPath").asString()));
            }
            ObjectNode bind = mounts.addObject();
            bind.put("destination", mount.path("mountPath").asString());
            bind.put("type", "bind");
            bind.put("source", source.toString());
            bind.putArray("options").add("rbind").add(mount.path("readOnly").asBoolean(false) ? "ro" : "rw");
        }

        ObjectNode linux = (ObjectNode) oci.path("linux");
        linux.put("cgroupsPath", containerd.cgroupParent() + "/" + name + "-" + container.path("name").asString());
        if (privileged) {
            // Every device of the node may be opened (the device cgroup allows all), nothing is masked.
            ArrayNode devices = linux.putObject("resources").putArray("devices");
            devices.addObject().put("allow", true).put("access", "rwm");
            linux.putArray("maskedPaths");
            linux.putArray("readonlyPaths");
        }
        return oci;
    }

    /**
     * What a privileged container gets: every capability the runtime itself holds (containerd's
     * {@code WithPrivileged} takes the current process's), here this JVM's, as runc may not grant more.
     */
    private static List<String> runtimesOwnCapabilities() throws IOException {
        String mask = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapEff:")).findFirst()
                .orElseThrow(() -> new IOException("/proc/self/status has no CapEff line")).substring("CapEff:".length()).strip();
        long held = Long.parseUnsignedLong(mask, 16);
        List<String> capabilities = new ArrayList<>();
        for (int number = 0; number < CAPABILITIES_BY_NUMBER.size(); number++) {
            if ((held & (1L << number)) != 0) {
                capabilities.add("CAP_" + CAPABILITIES_BY_NUMBER.get(number));
            }
        }
        return List.copyOf(capabilities);
    }

    /** containerd's default capabilities, less {@code drop} ({@code ALL}: every one), plus {@code add}. */
    private static List<String> capabilities(ObjectNode process, JsonNode security) {
        List<String> capabilities = new ArrayList<>(ImageConfig.strings(process.at("/capabilities/bounding")));
        for (JsonNode drop : security.at("/capabilities/drop").values()) {
            if (drop.asString().equals("ALL")) {
                capabilities.clear();
            } else {
                capabilities.remove("CAP_" + drop.asString());
            }
        }
        security.at("/capabilities/add").values().forEach(add -> capabilities.add("CAP_" + add.asString()));
        return List.copyOf(capabilities);
    }

    private static Optional<Long> firstOf(JsonNode container, JsonNode pod, String field) {
        return container.has(field) ? Optional.of(container.path(field).asLong()) : pod.has(field) ? Optional.of(pod.path(field).asLong()) : Optional.empty();
    }

    /** The image's env, then the container's over it, with the downward API's fields this harness knows. */
    private Map<String, String> environment(ImageConfig image, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        image.env().forEach(e -> env.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1)));
        for (JsonNode variable : container.path("env").values()) {
            String key = variable.path("name").asString();
            if (variable.has("value")) {
                env.put(key, variable.path("value").asString());
                continue;
            }
            String field = variable.at("/valueFrom/fieldRef/fieldPath").asString();
            env.put(key, switch (field) {
                case "spec.nodeName" -> node.name();
                case "metadata.name" -> name;
                case "metadata.namespace" -> workload.at("/metadata/namespace").asString("default");
                // Each container here has a network namespace of its own with only loopback in it: that is its pod IP.
                case "status.podIP" -> "127.0.0.1";
                default -> throw new AssertionError(rendered + ": env " + key + " comes from " + variable + ", which this harness does not give");
            });
        }
        return env;
    }

    private void makeVolumes() throws IOException {
        for (JsonNode volume : spec.path("volumes").values()) {
            String volumeName = volume.path("name").asString();
            Path source;
            if (volume.has("configMap")) {
                source = Files.createDirectories(dir.resolve("configmap-" + volumeName));
                JsonNode data = rendered.configMap(volume.at("/configMap/name").asString()).path("data");
                for (Map.Entry<String, JsonNode> file : data.properties()) {
                    Files.writeString(source.resolve(file.getKey()), file.getValue().asString());
                }
            } else if (volume.has("emptyDir")) {
                source = Files.createDirectories(dir.resolve("emptydir-" + volumeName));
                // The kubelet makes an emptyDir world-writable: any user of the pod may write it.
                Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxrwxrwx"));
            } else if (volume.has("hostPath")) {
                source = node.hostPath(volume.at("/hostPath/path").asString(), volume.at("/hostPath/type").asString(""));
            } else {
                throw new AssertionError(rendered + ": volume " + volume + " is of a kind this harness does not make");
            }
            volumes.put(volumeName, source);
        }
    }

    private List<String> runc(String... args) {
        List<String> command = new ArrayList<>(List.of("runc", "--root", containerd.dir().resolve("runc").toString()));
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void close() throws IOException {
        for (Running running : started.reversed()) {
            running.close();
        }
    }

    /** A container of the pod, running under runc. */
    final class Running implements AutoCloseable {
        private final String id;
        private final JsonNode container;
        private final Process process;
        private final Path log;
        private boolean closed;

        private Running(String id, JsonNode container, Process process, Path log) {
            this.id = id;
            this.container = container;
            this.process = process;
            this.log = log;
        }

        /** Everything the container wrote to stdout and stderr so far. */
        String printed() throws IOException {
            return Files.readString(log);
        }

        /** The process the runtime was given for this container, as the kubelet would have made it. */
        private List<String> ran() throws IOException, InterruptedException {
            ImageConfig image = containerd.config(container.path("image").asString());
            return ContainerCommand.of(image, container, environment(image, container)).argv();
        }

        boolean isRunning() {
            return process.isAlive();
        }

        /** The container as the render gives it. */
        JsonNode containerSpec() {
            return container;
        }

        /** Runs {@code command} in the container ({@code runc exec}), as {@code kubectl exec} would. */
        Containerd.Result exec(List<String> command) throws IOException, InterruptedException {
            List<String> exec = runc("exec", id);
            exec.addAll(command);
            return Containerd.Result.of(exec);
        }

        /** {@code GET http://127.0.0.1:PORT/PATH} from inside the container; empty unless it answered 2xx. */
        Optional<String> get(int port, String path) throws IOException, InterruptedException {
            Containerd.Result result = exec(List.of("timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:" + port + path));
            return result.exit() == 0 ? Optional.of(result.output()) : Optional.empty();
        }

        /**
         * Waits, bounded, until the container's {@code probe} ({@code readinessProbe} or {@code livenessProbe},
         * an httpGet) answers 2xx, and returns the answer; the container's exit ends the wait with its output.
         */
        String awaitProbe(String probe) throws IOException, InterruptedException {
            JsonNode get = container.path(probe).path("httpGet");
            if (get.isMissingNode()) {
                throw new AssertionError(rendered + ": " + container.path("name").asString() + " has no " + probe + " httpGet");
            }
            int port = port(get.path("port"));
            return await(probe + " GET :" + port + get.path("path").asString(), () -> get(port, get.path("path").asString()));
        }

        /** A port by name (from the container's ports) or number, as a probe names it. */
        int port(JsonNode port) {
            if (port.isNumber()) {
                return port.asInt();
            }
            return container.path("ports").values().stream().filter(p -> p.path("name").asString().equals(port.asString()))
                    .map(p -> p.path("containerPort").asInt()).findFirst()
                    .orElseThrow(() -> new AssertionError(rendered + ": no container port named " + port.asString()));
        }

        interface Probe<T> {
            /** What was waited for, or empty while it is not there yet. */
            Optional<T> read() throws IOException, InterruptedException;
        }

        /** Waits, bounded, for {@code probe}; the container's exit ends the wait at once, with its output. */
        <T> T await(String what, Probe<T> probe) throws IOException, InterruptedException {
            Instant deadline = Instant.now().plus(BOUND);
            while (Instant.now().isBefore(deadline)) {
                Optional<T> value = probe.read();
                if (value.isPresent()) {
                    return value.get();
                }
                if (process.waitFor(250, TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(rendered + ": " + container.path("name").asString() + " exited " + process.exitValue() + " before " + what
                            + "; it ran " + ran() + ":\n" + printed());
                }
            }
            throw new AssertionError(rendered + ": " + container.path("name").asString() + " did not show " + what + " within " + BOUND + ":\n" + printed());
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping container " + id, e);
            }
        }

        private void stop() throws IOException, InterruptedException {
            if (process.isAlive()) {
                Containerd.Result.of(runc("kill", id, "KILL"));
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            Containerd.Result delete = Containerd.Result.of(runc("delete", "--force", id));
            if (delete.exit() != 0 && !delete.output().contains("does not exist")) {
                throw new IllegalStateException("runc delete " + id + ": " + delete.output());
            }
        }
    }
}
