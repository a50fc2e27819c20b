package dev.nodemedic.image;

import static dev.nodemedic.image.DistributionFiles.jars;
import static dev.nodemedic.image.DistributionFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remedy controller's image tar, opened and run as {@link ImageTarIT} does the agent's: its config,
 * its layers against the distribution remedy-controller assembled, its launcher started from the
 * unpacked root file system, and the controller itself run from it against fabric8's mock API server.
 */
@EnableKubernetesMockClient(crud = true)
class RemedyImageTarIT {
    private static final Path TAR = Path.of(System.getProperty("nodemedic.remedy.image.tar", "target/nodemedic-remedy-image.tar"));
    private static final Path DIST = Path.of(System.getProperty("nodemedic.remedy.dist", "../../remedy-controller/target/nodemedic-remedy"));
    private static final String VERSION = System.getProperty("nodemedic.version", "");
    private static final String REF = System.getProperty("nodemedic.remedy.image.ref", "");
    private static final String HOME = "opt/nodemedic-remedy/";
    /** How the controller's help names its default port: {@code --port=PORT  Port of /healthz, ... Default: 8080.} */
    private static final Pattern PORT_DEFAULT = Pattern.compile("--port=PORT\\s+Port of /healthz[^.]*\\.\\s+Default:\\s+(\\d+)\\.");
    private static final Pattern STARTED = Pattern.compile("remedy controller started .* probes=http://([^ ]+)/healthz");
    /** Start-up, election and the first decisions take seconds; this bounds a broken image's wait. */
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    static Path work;

    KubernetesMockServer server;
    KubernetesClient client;

    private static OciImageArchive archive;
    private static ImageConfig config;
    private static ImageRoot root;

    @BeforeAll
    static void openTheImage() throws IOException {
        assertThat(TAR).as("the remedy image tar jib:buildTar writes (execution remedy-image-tar)").isRegularFile();
        archive = OciImageArchive.open(TAR, Files.createDirectory(work.resolve("archive")));
        config = archive.config();
        root = ImageRoot.unpack(archive.layers(), Files.createDirectory(work.resolve("root")));
    }

    @Test
    void theEntrypointIsNodemedicRemedyRunThroughTini() {
        assertThat(config.entrypoint()).containsExactly("/usr/bin/tini", "--", "/opt/nodemedic-remedy/bin/nodemedic-remedy", "run");
        assertThat(config.cmd()).as("nothing of the agent's arguments").isEmpty();
        assertThat(root.entry("usr/bin/tini")).get().satisfies(tini -> assertThat(tini.mode() & 0111).isNotZero());
        assertThat(root.entry(HOME + "bin/nodemedic-remedy")).get().satisfies(launcher -> assertThat(launcher.mode()).isEqualTo(0755));
        assertThat(config.workingDir()).isEqualTo("/opt/nodemedic-remedy");
        assertThat(root.entry("app")).as("Jib's files for a java entrypoint, which this image does not use").isEmpty();
        assertThat(root.entry("opt/nodemedic")).as("nothing of the agent's distribution").isEmpty();
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
        assertThat(config.env().get("PATH")).startsWith("/opt/nodemedic-remedy/bin:");
        assertThat(root.entry("opt/java/openjdk/bin/java")).isPresent();
    }

    @Test
    void theLabelsSayWhatTheImageIs() {
        assertThat(config.labels()).containsEntry("org.opencontainers.image.title", "nodemedic-remedy")
                .containsEntry("org.opencontainers.image.version", VERSION)
                .containsEntry("org.opencontainers.image.base.name", "nodemedic-remedy-base:" + VERSION)
                .containsKeys("org.opencontainers.image.description", "org.opencontainers.image.vendor");
    }

    @Test
    void theTarIsNamedAsTheManifestsRunIt() {
        // Fully qualified: `ctr images import` stores the tar under this name, and the kubelet asks for a
        // short one as docker.io/library/... (issue 14).
        assertThat(archive.refName()).isEqualTo(REF).matches("ghcr\\.io/nodemedic/nodemedic-remedy:[0-9]+\\.[0-9]+\\.[0-9]+");
        assertThat(VERSION).startsWith(REF.substring(REF.lastIndexOf(':') + 1));
    }

    @Test
    void theLayersHoldTheLauncherAndEveryLibraryOfTheDistributionAndNothingElse() throws IOException {
        List<Path> shipped = new ArrayList<>(List.of(DIST.resolve("bin/nodemedic-remedy")));
        shipped.addAll(jars(DIST.resolve("lib")));
        assertThat(jars(DIST.resolve("lib"))).as("the distribution's libraries").isNotEmpty();

        for (Path file : shipped) {
            String inImage = HOME + DIST.relativize(file);
            assertThat(root.entry(inImage)).as(inImage).get()
                    .satisfies(entry -> assertThat(entry.sha256()).as("%s has the bytes of %s", inImage, file).isEqualTo(sha256(file)));
        }
        try (Stream<Path> lib = Files.list(root.path().resolve(HOME + "lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString())).as("no file the distribution's lib/ does not have (no AOT cache either)")
                    .containsExactlyInAnyOrderElementsOf(jars(DIST.resolve("lib")).stream().map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void nodemedicRemedyVersionRunsFromTheImagesRootFileSystem() throws Exception {
        // The entrypoint as the image has it, with --version for run: tini, the launcher, the jlink'd
        // runtime and the controller's classes all have to work.
        List<String> command = new ArrayList<>(config.entrypoint().subList(0, config.entrypoint().size() - 1));
        command.add("--version");

        ImageProcess.Result run = enter().run(command, List.of(), Duration.ofMinutes(2));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output().strip()).as("only the version line: tini, the launcher and the JVM said nothing else")
                .isEqualTo("nodemedic-remedy " + VERSION);
    }

    @Test
    void theExposedPortIsTheOneTheControllerInTheImageListensOn() throws Exception {
        // The entrypoint itself, asked for its help: the default --port the image's controller prints.
        List<String> command = new ArrayList<>(config.entrypoint());
        command.add("--help");

        ImageProcess.Result run = enter().run(command, List.of(), Duration.ofMinutes(2));

        assertThat(run.exit()).as(run.output()).isZero();
        Matcher port = PORT_DEFAULT.matcher(run.output());
        assertThat(port.find()).as("the help names --port's default:%n%s", run.output()).isTrue();
        assertThat(config.exposedPorts()).containsExactly(port.group(1) + "/tcp");
    }

    @Test
    void theControllerRunsFromTheImageLeadsAndDecidesOnTheApiServer() throws Exception {
        // A dry-run policy over an unhealthy node. To decide that it would cordon it, the controller in the
        // image must reach the API server over TLS, take the Lease, and watch nodes and policies: the
        // jlink'd runtime has to hold every module that takes.
        ResourceDefinitionContext policies = new ResourceDefinitionContext.Builder().withGroup("remedy.nodemedic.dev").withVersion("v1alpha1")
                .withKind("NodeRemedyPolicy").withPlural("noderemedypolicies").withNamespaced(false).build();
        Instant since = Instant.now().minus(Duration.ofHours(1));
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").addToLabels("pool", "a").endMetadata()
                .withNewStatus().addNewCondition().withType("KernelDeadlock").withStatus("True").withReason("DockerHung")
                .withMessage("task docker:7 blocked for more than 120 seconds. (nodemedic)").withLastTransitionTime(since.toString())
                .withLastHeartbeatTime(Instant.now().toString()).endCondition().endStatus().build()).create();
        client.genericKubernetesResources(policies).load(new ByteArrayInputStream("""
                apiVersion: remedy.nodemedic.dev/v1alpha1
                kind: NodeRemedyPolicy
                metadata: {name: kernel-deadlock}
                spec:
                  nodeSelector: {matchLabels: {pool: a}}
                  rules: [{type: KernelDeadlock, status: "True", minDuration: 1m, maxHeartbeatAge: 1h}]
                  actions: [{cordon: {}, timeout: 10m}]
                  budgets: {maxUnhealthy: "100%"}
                  dryRun: true
                """.getBytes(StandardCharsets.UTF_8))).create();
        Files.writeString(root.path().resolve("tmp/kubeconfig"), kubeconfig());

        List<String> command = new ArrayList<>(config.entrypoint());
        command.addAll(List.of("--kubeconfig", "/tmp/kubeconfig", "--address", "127.0.0.1", "--port", "0", "--lease-namespace", "kube-system",
                "--identity", "image-test"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (ImageProcess.Server remedy = enter().serve(command, List.of())) {
            String probes = await(remedy, "its start line", () -> {
                Matcher started = STARTED.matcher(remedy.printed());
                return started.find() ? started.group(1) : null;
            });
            String metrics = await(remedy, "the cordon it would make on /metrics", () -> {
                String exposition = get(http, URI.create("http://" + probes + "/metrics"));
                return exposition.contains("nodemedic_remedy_actions_total{action=\"cordon\",policy=\"kernel-deadlock\",result=\"would_apply\"}") ? exposition : null;
            });

            assertThat(metrics).as("the JVM's own metrics (jdk.management)").contains("jvm_memory_used_bytes");
            assertThat(get(http, URI.create("http://" + probes + "/healthz"))).startsWith("ok: leading");
        }
        Lease lease = client.leases().inNamespace("kube-system").withName("nodemedic-remedy").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("image-test");
        assertThat(Optional.ofNullable(client.nodes().withName("node-a").get().getSpec()).map(NodeSpec::getUnschedulable))
                .as("dry-run: the node is not cordoned").isNotEqualTo(Optional.of(true));
    }

    private String kubeconfig() throws IOException {
        // An address, not a name: the image has no /etc/hosts to find localhost in.
        String address = InetAddress.getByName(server.getHostName()).getHostAddress();
        String host = address.contains(":") ? "[" + address + "]" : address;
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: https://%s:%d
                    insecure-skip-tls-verify: true
                users:
                - name: test
                  user:
                    token: test-token
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: test
                current-context: mock
                """.formatted(host, server.getPort());
    }

    private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s answered %s", uri, response.body()).isEqualTo(200);
        return response.body();
    }

    interface Probe<T> {
        /** What was waited for, or null while it is not there yet. */
        T read() throws Exception;
    }

    /** Waits on the outcome, bounded; the controller's own exit ends the wait at once. */
    private static <T> T await(ImageProcess.Server remedy, String what, Probe<T> probe) throws Exception {
        Instant deadline = Instant.now().plus(BOUND);
        while (Instant.now().isBefore(deadline)) {
            T value = probe.read();
            if (value != null) {
                return value;
            }
            if (remedy.process().waitFor(200, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the controller in the image exited " + remedy.process().exitValue() + " before " + what + ":\n" + remedy.printed());
            }
        }
        throw new AssertionError("the controller in the image did not show " + what + " within " + BOUND + ":\n" + remedy.printed());
    }

    private static ImageProcess enter() throws Exception {
        String unavailable = ImageProcess.unavailableBecause();
        assertThat(unavailable).as("entering the image").isEmpty();
        return new ImageProcess(root, config, work);
    }
}
