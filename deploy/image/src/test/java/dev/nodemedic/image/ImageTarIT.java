package dev.nodemedic.image;

import static dev.nodemedic.image.DistributionFiles.jars;
import static dev.nodemedic.image.DistributionFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The image tar the build wrote, opened as a registry or a container runtime would read it: its
 * config, its layers against the distribution detector-core assembled, and its root file system run.
 */
class ImageTarIT {
    private static final Path TAR = Path.of(System.getProperty("nodemedic.image.tar", "target/nodemedic-image.tar"));
    private static final Path DIST = Path.of(System.getProperty("nodemedic.dist", "../../detector-core/target/nodemedic"));
    private static final String VERSION = System.getProperty("nodemedic.version", "");
    private static final String REF = System.getProperty("nodemedic.image.ref", "");
    private static final boolean AOT = Boolean.parseBoolean(System.getProperty("nodemedic.aot", "true"));
    private static final String HOME = "opt/nodemedic/";

    @TempDir
    static Path work;

    private static OciImageArchive archive;
    private static ImageConfig config;
    private static ImageRoot root;

    @BeforeAll
    static void openTheImage() throws IOException {
        assertThat(TAR).as("the image tar jib:buildTar writes").isRegularFile();
        archive = OciImageArchive.open(TAR, Files.createDirectory(work.resolve("archive")));
        config = archive.config();
        root = ImageRoot.unpack(archive.layers(), Files.createDirectory(work.resolve("root")));
    }

    @Test
    void theEntrypointIsNodemedicRunThroughTini() {
        assertThat(config.entrypoint()).containsExactly("/usr/bin/tini", "--", "/opt/nodemedic/bin/nodemedic", "run");
        assertThat(config.cmd()).containsExactly("--config", "/etc/nodemedic/nodemedic.yaml");
        assertThat(root.entry("usr/bin/tini")).get().satisfies(tini -> assertThat(tini.mode() & 0111).isNotZero());
        assertThat(root.entry("opt/nodemedic/bin/nodemedic")).get().satisfies(launcher -> assertThat(launcher.mode()).isEqualTo(0755));
        assertThat(config.workingDir()).isEqualTo("/opt/nodemedic");
        assertThat(root.entry("app")).as("Jib's files for a java entrypoint, which this image does not use").isEmpty();
        assertThat(config.architecture()).isEqualTo("amd64");
        assertThat(config.os()).isEqualTo("linux");
    }

    @Test
    void theImageRunsAsItsOwnNonRootUser() throws IOException {
        assertThat(config.user()).isEqualTo("65532:65532");
        assertThat(Files.readAllLines(root.path().resolve("etc/passwd"))).anyMatch(line -> line.startsWith("nodemedic:x:65532:65532:"));
    }

    @Test
    void theEnvironmentFindsTheLauncherAndTheImagesJava() {
        assertThat(config.env()).containsEntry("JAVA_HOME", "/opt/java/openjdk").containsEntry("LANG", "C.UTF-8");
        assertThat(config.env().get("PATH")).startsWith("/opt/nodemedic/bin:");
        assertThat(root.entry("opt/java/openjdk/bin/java")).isPresent();
        assertThat(root.entry("opt/java/openjdk/release")).isPresent();
    }

    @Test
    void theExposedPortsAreTheAgentsStatusAndMetricsPorts() throws IOException {
        // The ports the distribution's documented defaults name, and the ones the image's config listens on.
        YAMLMapper yaml = YAMLMapper.builder().build();
        JsonNode defaults = yaml.readTree(DIST.resolve("config/nodemedic.yaml").toFile());
        JsonNode imageConfig = yaml.readTree(root.path().resolve("etc/nodemedic/nodemedic.yaml").toFile());
        int status = defaults.path("status").path("port").asInt();
        int metrics = defaults.path("metrics").path("port").asInt();

        assertThat(List.of(status, metrics)).containsExactly(20256, 20257);
        assertThat(config.exposedPorts()).containsExactlyInAnyOrder(status + "/tcp", metrics + "/tcp");
        assertThat(imageConfig.path("status").path("port").asInt()).isEqualTo(status);
        assertThat(imageConfig.path("metrics").path("port").asInt()).isEqualTo(metrics);
        assertThat(imageConfig.path("status").path("address").asString()).isEqualTo("0.0.0.0");
    }

    @Test
    void theLabelsSayWhatTheImageIs() {
        assertThat(config.labels()).containsEntry("org.opencontainers.image.title", "nodemedic")
                .containsEntry("org.opencontainers.image.version", VERSION)
                .containsKeys("org.opencontainers.image.description", "org.opencontainers.image.vendor", "org.opencontainers.image.base.name");
    }

    @Test
    void theTarIsNamedAsTheManifestsRunIt() {
        // The build's one tagging rule (pom, execution image-tag): the release, which deploy/checks holds the manifests to.
        // Fully qualified: `ctr images import` stores the tar under this name, and the kubelet asks for a
        // short one as docker.io/library/... (issue 14).
        assertThat(archive.refName()).isEqualTo(REF).matches("ghcr\\.io/nodemedic/nodemedic:[0-9]+\\.[0-9]+\\.[0-9]+");
        assertThat(VERSION).startsWith(REF.substring(REF.lastIndexOf(':') + 1));
    }

    @Test
    void theLayersHoldTheLauncherAndEveryPluginAndLibraryOfTheDistribution() throws IOException {
        List<Path> shipped = new ArrayList<>(List.of(DIST.resolve("bin/nodemedic")));
        shipped.addAll(jars(DIST.resolve("plugins")));
        shipped.addAll(jars(DIST.resolve("lib")));
        assertThat(jars(DIST.resolve("plugins"))).as("the distribution's plugins").isNotEmpty();

        for (Path file : shipped) {
            String inImage = HOME + DIST.relativize(file);
            assertThat(root.entry(inImage)).as(inImage).get()
                    .satisfies(entry -> assertThat(entry.sha256()).as("%s has the bytes of %s", inImage, file).isEqualTo(sha256(file)));
        }
        try (Stream<Path> plugins = Files.list(root.path().resolve(HOME + "plugins"))) {
            assertThat(plugins.map(p -> p.getFileName().toString()))
                    .as("no plugin the distribution does not have")
                    .containsExactlyInAnyOrderElementsOf(jars(DIST.resolve("plugins")).stream().map(p -> p.getFileName().toString()).toList());
        }
    }

    /** One cache per mode: the launcher gives the cluster agent the one trained in cluster mode, everything else the local one. */
    @ParameterizedTest
    @ValueSource(strings = {"nodemedic.aot", "nodemedic-cluster.aot"})
    void theAotCacheIsNotOlderThanTheJarsItServes(String name) {
        if (!AOT) {
            assertThat(root.entry(HOME + "lib/" + name)).as("built with aot.skip: no cache").isEmpty();
            return;
        }
        ImageRoot.Entry cache = root.entry(HOME + "lib/" + name).orElseThrow(() -> new AssertionError("the image has no lib/" + name));
        assertThat(cache.size()).isPositive();
        jars(DIST.resolve("lib")).forEach(jar -> assertThat(root.entry(HOME + "lib/" + jar.getFileName()).orElseThrow().modified())
                .as("the launcher ignores a cache older than any jar").isLessThanOrEqualTo(cache.modified()));
    }

    @Test
    void nodemedicVersionRunsFromTheImagesRootFileSystem() throws Exception {
        ImageProcess image = enter();
        // The entrypoint as the image has it, with 'version' for 'run'; AOTMode=on makes the JVM refuse
        // to start unless the image's AOT cache is valid for the image's own runtime.
        List<String> command = new ArrayList<>(config.entrypoint().subList(0, config.entrypoint().size() - 1));
        command.add("version");
        List<String> env = AOT ? List.of("NODEMEDIC_JAVA_OPTS=-XX:AOTMode=on") : List.of();

        ImageProcess.Result run = image.run(command, env, Duration.ofMinutes(2));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output().strip()).as("only the version line: tini, the launcher and the JVM said nothing else")
                .matches("nodemedic " + VERSION.replace(".", "\\.") + " \\(daemon-api [0-9.]+, Java 25[^)]*\\)");
    }

    @Test
    void theAgentStartsFromTheImageOnItsOwnConfigAndStops() throws Exception {
        // The image's entrypoint and arguments as a pod gets them, plus a local run that ends by itself.
        List<String> command = new ArrayList<>(config.entrypoint());
        command.addAll(config.cmd());
        command.addAll(List.of("--local", "--stop-after", "3s"));

        ImageProcess.Result run = enter().run(command, List.of("NODE_NAME=node-a"), Duration.ofMinutes(2));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).as(run.output())
                .contains("agent started node=node-a mode=local status=http://0.0.0.0:20256/ metrics=http://0.0.0.0:20257/metrics")
                .contains("agent stopped");
        for (Path plugin : jars(DIST.resolve("plugins"))) {
            String id = pluginId(plugin);
            assertThat(run.output()).as("plugin %s loaded from the image", id).contains("plugin loaded plugin=" + id + " ");
        }
    }

    @Test
    void theAgentStartsInClusterModeOnTheClusterModeCache() throws Exception {
        // NPD's DaemonSet's command, which reports to the API server as ours does but opens no report
        // socket (whose folder the image's user may not make), against an API server address that
        // refuses connections: the agent starts, retries and stops by itself. AOTMode=on makes the JVM
        // refuse to start unless the cache the launcher picks for cluster mode is valid for the image's runtime.
        List<String> command = List.of("/node-problem-detector", "--logtostderr", "--config.system-log-monitor=/" + HOME + "config/kernel-monitor.json",
                "--stop-after", "3s");
        List<String> env = new ArrayList<>(List.of("NODE_NAME=node-a", "KUBERNETES_MASTER=https://127.0.0.1:1", "KUBERNETES_AUTH_TOKEN=test",
                "KUBERNETES_TRUST_CERTIFICATES=true", "KUBERNETES_AUTH_TRYKUBECONFIG=false", "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false"));
        if (AOT) {
            env.add("NODEMEDIC_JAVA_OPTS=-XX:AOTMode=on -Xlog:aot=info");
        }

        ImageProcess.Result run = enter().run(command, env, Duration.ofMinutes(2));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).as(run.output()).contains("agent started node=node-a mode=cluster").contains("agent stopped");
        if (AOT) {
            assertThat(run.output()).as(run.output()).contains("Opened AOT cache /opt/nodemedic/lib/nodemedic-cluster.aot");
        }
    }

    @Test
    void npdsBinaryPathRunsTheAgentOnNpdsFlags() throws Exception {
        assertThat(root.entry("node-problem-detector")).as("/node-problem-detector, where NPD's DaemonSet runs its binary").get()
                .satisfies(entry -> assertThat(entry.mode() & 0755).isEqualTo(0755));
        // NPD's DaemonSet's command (its command replaces our entrypoint and drops our arguments), on this
        // image's own kernel rules, reporting to no API server and ending by itself.
        List<String> command = List.of("/node-problem-detector", "--logtostderr", "--config.system-log-monitor=/" + HOME + "config/kernel-monitor.json",
                "--enable-k8s-exporter=false", "--stop-after", "3s");

        ImageProcess.Result run = enter().run(command, List.of("NODE_NAME=node-a"), Duration.ofMinutes(2));

        assertThat(run.exit()).as(run.output()).isZero();
        // NPD's defaults: its server and Prometheus endpoint on loopback, on its ports; no report socket (NPD has none).
        assertThat(run.output()).as(run.output())
                .contains("agent started node=node-a mode=local status=http://127.0.0.1:20256/ metrics=http://127.0.0.1:20257/metrics report=off")
                .contains("daemon started daemon=kernel-monitor plugin=kernel-log")
                .contains("agent stopped");
        // Only the monitors NPD's flags name run.
        assertThat(run.output().lines().filter(l -> l.contains("daemon started"))).hasSize(1);
    }

    @Test
    void theImagesConfigIsAValidAgentConfig() throws Exception {
        List<String> command = new ArrayList<>(config.entrypoint().subList(0, config.entrypoint().size() - 1));
        command.addAll(List.of("check-config", config.cmd().getLast()));

        ImageProcess.Result run = enter().run(command, List.of(), Duration.ofMinutes(2));

        assertThat(run.exit()).as(run.output()).isZero();
        // The ✓ also proves the image's locale: in glibc's plain C locale Java prints '?' for it.
        assertThat(run.output()).contains("✓ /etc/nodemedic/nodemedic.yaml: valid agent config");
    }

    @ParameterizedTest
    @ValueSource(strings = {"journalctl --version", "systemctl --version", "tini --version", "sh -c 'readlink -f /proc/self/exe'"})
    void theProgramsTheDaemonsRunStartInTheImage(String commandLine) throws Exception {
        // Each one finds every shared library it needs in the image (a missing one fails to start).
        ImageProcess.Result run = enter().run(List.of("/bin/sh", "-c", commandLine), List.of(), Duration.ofMinutes(1));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).isNotBlank().doesNotContain("error while loading shared libraries");
    }

    /**
     * NPD's custom plugin configs (kernel-monitor-counter.json, health-checker-kubelet.json, …) run NPD's
     * helpers at these paths; in a pod with a read-only root they must come with the image. Each is run
     * with a flag its NPD original refuses too, so the answer (exit 2, NPD's Unknown, and the reason) is
     * the command's own whatever the build machine runs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"log-counter --journald-source=kernel --lookback=20m --pattern=x --window=5m|unknown flag --window",
            "health-checker --component=containerd|--component: \"containerd\" is not supported"})
    void npdsHelperProgramsAreWhereNpdsConfigsRunThem(String commandAndAnswer) throws Exception {
        String[] parts = commandAndAnswer.split("\\|");
        List<String> words = List.of(parts[0].split(" "));
        String path = "home/kubernetes/bin/" + words.getFirst();
        assertThat(root.entry(path)).as(path).get().satisfies(helper -> assertThat(helper.mode()).isEqualTo(0755));

        List<String> command = new ArrayList<>(List.of("/" + path));
        command.addAll(words.subList(1, words.size()));
        ImageProcess.Result run = enter().run(command, List.of(), Duration.ofMinutes(1));

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains(parts[1]);
    }

    private static ImageProcess enter() throws Exception {
        String unavailable = ImageProcess.unavailableBecause();
        assertThat(unavailable).as("entering the image").isEmpty();
        return new ImageProcess(root, config, work);
    }

    /** The id in a plugin jar's PF4J descriptor (plugin.properties), as the agent logs it. */
    private static String pluginId(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry descriptor = file.getJarEntry("plugin.properties");
            assertThat(descriptor).as("%s has a PF4J descriptor", jar).isNotNull();
            Properties properties = new Properties();
            try (InputStream in = file.getInputStream(descriptor)) {
                properties.load(in);
            }
            return properties.getProperty("plugin.id");
        }
    }
}
