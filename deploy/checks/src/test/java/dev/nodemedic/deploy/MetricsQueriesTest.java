package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.reporter.kubernetes.StrategicMergeMockServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dashboards and alerts query only series the components really export. The names come from running
 * registries, not from a list: the agent distribution runs in cluster mode against a Kubernetes API
 * (fabric8's mock server, over real HTTP) while a kernel log storm goes through it, so the series that
 * exist only after activity (API requests, events sent and dropped) are there too; then the remedy
 * controller runs against the same API with policies that act and that are held back.
 */
class MetricsQueriesTest {
    /** Series Prometheus makes itself for every target. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");
    /** Syslog's timestamp, as NPD's filelog config reads it ({@code Jan _2 15:04:05}). */
    static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    /** CRUD mode with node status patches applied, and a node watch that does not stall the server when the agent closes it. */
    private StrategicMergeMockServer api;
    private KubernetesMockServer server;
    private KubernetesClient client;

    @TempDir
    Path work;

    @BeforeEach
    void serve() {
        api = StrategicMergeMockServer.start();
        server = api.server();
        client = api.client();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void everyQueryInTheDashboardsAndAlertsNamesASeriesAComponentExports() throws Exception {
        DeployTree tree = DeployTree.fromBuild();
        Path kubeconfig = kubeconfig();
        Set<String> exported = new TreeSet<>();
        try {
            exported.addAll(exportedByARunningAgent(tree, kubeconfig));
            exported.addAll(exportedByARunningRemedyController(tree, kubeconfig));
        } finally {
            // Our own connections go before the mock server shuts down, which waits for open ones.
            client.close();
        }
        List<Queries.Query> queries = new ArrayList<>(Queries.inFiles(tree.deploy()));
        Renders renders = Renders.fromBuild(work);
        queries.addAll(Queries.inRender(renders.overlayWith("detector", List.of("monitoring"))));
        queries.addAll(Queries.inRender(renders.helm("monitoring")));

        assertThat(queries).as("queries found").hasSizeGreaterThan(20);
        List<String> unknown = new ArrayList<>();
        for (Queries.Query query : queries) {
            Set<String> names = PromQl.metricNames(query.expression());
            assertThat(names).as("metrics in %s", query).isNotEmpty();
            names.stream().filter(n -> !exported.contains(n) && !PROMETHEUS_OWN.contains(n)).forEach(n -> unknown.add(n + " in " + query));
        }
        assertThat(unknown).as("series no component exports (exported: %s)", exported).isEmpty();
    }

    private Path kubeconfig() throws Exception {
        return api.writeKubeconfig(work.resolve("kubeconfig"));
    }

    private Set<String> exportedByARunningAgent(DeployTree tree, Path kubeconfig) throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().withNewStatus().endStatus().build()).create();
        Path log = Files.writeString(work.resolve("kern.log"), "");
        Files.writeString(work.resolve("kernel-monitor.json"),
                Files.readString(tree.dist().resolve("config/kernel-monitor-filelog.json")).replace("/var/log/kern.log", log.toString()));
        Path config = Files.writeString(work.resolve("nodemedic.yaml"), """
                status: {address: 127.0.0.1, port: 0}
                metrics: {address: 127.0.0.1, port: 0}
                kubernetes: {kubeconfig: %s}
                report: {socket: report.sock}
                daemons:
                  - daemon: kernel-log
                    name: kernel-monitor
                    config: kernel-monitor.json
                """.formatted(kubeconfig));
        try (AgentProcess agent = AgentProcess.start(tree, work, List.of("--config", config.toString(), "--plugins-dir", tree.dist().resolve("plugins").toString()),
                Map.of("NODE_NAME", "node-a"))) {
            awaitSeries(agent::scrape, agent::log, "nodemedic_daemon_up{daemon=\"kernel-monitor\",plugin=\"kernel-log\"} 1");
            StringBuilder storm = new StringBuilder();
            String now = SYSLOG_TIME.format(LocalDateTime.now());
            storm.append(now).append(" node-a kernel: [ 1234.500000] task docker:7 blocked for more than 120 seconds.\n");
            // More OOM kills than the per-node event budget (burst 25): some are aggregated, some dropped.
            for (int pid = 1000; pid < 1100; pid++) {
                storm.append(now).append(" node-a kernel: [ 1235.000001] Out of memory: Killed process ").append(pid)
                        .append(" (java) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB\n");
            }
            Files.writeString(log, storm, StandardOpenOption.APPEND);
            String exposition = awaitSeries(agent::scrape, agent::log, "nodemedic_events_dropped_total{reason=\"rate_limited\"}", "nodemedic_events_sent_total{verb=\"create\"}",
                    "nodemedic_api_requests_total{", "problem_gauge{reason=\"DockerHung\",type=\"KernelDeadlock\"} 1", "nodemedic_node_status_patch_duration_seconds_count");
            return Exposition.seriesNames(exposition);
        }
    }

    /**
     * The remedy controller, elected leader on the mock API, with two policies over two unhealthy
     * nodes: one in dry-run that would act (an action series), one paused (a blocked series).
     */
    private Set<String> exportedByARunningRemedyController(DeployTree tree, Path kubeconfig) throws Exception {
        ResourceDefinitionContext policies = new ResourceDefinitionContext.Builder().withGroup("remedy.nodemedic.dev").withVersion("v1alpha1")
                .withKind("NodeRemedyPolicy").withPlural("noderemedypolicies").withNamespaced(false).build();
        Instant since = Instant.now().minus(Duration.ofHours(1));
        for (String pool : List.of("act", "hold")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-" + pool).addToLabels("pool", pool).endMetadata()
                    .withNewStatus().addNewCondition().withType("KernelDeadlock").withStatus("True").withReason("DockerHung")
                    .withMessage("task docker:7 blocked for more than 120 seconds. (nodemedic)").withLastTransitionTime(since.toString())
                    .withLastHeartbeatTime(Instant.now().toString()).endCondition().endStatus().build()).create();
            client.genericKubernetesResources(policies).load(new ByteArrayInputStream("""
                    apiVersion: remedy.nodemedic.dev/v1alpha1
                    kind: NodeRemedyPolicy
                    metadata: {name: %s}
                    spec:
                      nodeSelector: {matchLabels: {pool: %s}}
                      rules: [{type: KernelDeadlock, status: "True", minDuration: 1m, maxHeartbeatAge: 1h}]
                      actions: [{cordon: {}, timeout: 10m}]
                      budgets: {maxUnhealthy: "100%%"}
                      dryRun: true
                      paused: %s
                    """.formatted(pool, pool, pool.equals("hold")).getBytes(StandardCharsets.UTF_8))).create();
        }
        try (RemedyProcess remedy = RemedyProcess.start(tree, work, List.of("--kubeconfig", kubeconfig.toString(), "--address", "127.0.0.1", "--port", "0",
                "--lease-namespace", "kube-system", "--identity", "checks"))) {
            return Exposition.seriesNames(awaitSeries(remedy::scrape, remedy::log, "nodemedic_remedy_actions_total{action=\"cordon\",policy=\"act\"",
                    "nodemedic_remedy_blocked_total{policy=\"hold\"", "nodemedic_remedy_needs_human_nodes{policy=\"act\"}"));
        }
    }

    interface Source {
        String read() throws Exception;
    }

    /** Scrapes until every text is in the exposition; the process works on its own threads, so this waits on the outcome, bounded. */
    private String awaitSeries(Source scrape, Source log, String... texts) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String exposition = "";
        while (Instant.now().isBefore(deadline)) {
            exposition = scrape.read();
            String current = exposition;
            if (Arrays.stream(texts).allMatch(current::contains)) {
                return exposition;
            }
            // Drain what the mock server recorded while waiting; it also paces the loop.
            server.takeRequest(200, TimeUnit.MILLISECONDS);
        }
        Set<String> missing = new TreeSet<>();
        for (String text : texts) {
            if (!exposition.contains(text)) {
                missing.add(text);
            }
        }
        throw new AssertionError("/metrics never showed " + missing + ":\n" + exposition + "\nlog:\n" + log.read());
    }
}
