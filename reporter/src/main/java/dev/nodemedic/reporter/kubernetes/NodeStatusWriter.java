package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.reporter.BookSnapshot;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the node once at start, then writes our conditions to {@code nodes/{name}/status} when
 * {@link NodeStatusSync} says so. All I/O runs on the scheduler's thread; {@link #offer} is called
 * from daemon threads and only records the newest snapshot.
 */
final class NodeStatusWriter {
    private static final Logger log = LoggerFactory.getLogger(NodeStatusWriter.class);
    private static final PatchContext STRATEGIC_MERGE = PatchContext.of(PatchType.STRATEGIC_MERGE);

    private final KubernetesClient client;
    private final String node;
    private final BootTime bootTime;
    private final NodeStatusSync sync;
    private final Clock clock;
    private final ApiMetrics metrics;
    private final Wakeup wakeup;
    private final Node stub;
    private volatile Consumer<NodeAdoption> onAdopted = adoption -> { };
    /** The failure being retried, so a long outage is one WARN line and one INFO when it ends. */
    private Optional<ApiFailure> failing = Optional.empty();

    NodeStatusWriter(KubernetesClient client, KubernetesSettings settings, NodeStatusSync sync, Clock clock, ApiMetrics metrics,
                     ScheduledExecutorService executor) {
        this.client = client;
        this.node = settings.node();
        this.bootTime = settings.bootTime();
        this.sync = sync;
        this.clock = clock;
        this.metrics = metrics;
        this.stub = new NodeBuilder().withNewMetadata().withName(node).endMetadata().build();
        this.wakeup = new Wakeup("node status writer node=" + node, executor, clock, this::step, settings.maxIdle());
    }

    void start(Consumer<NodeAdoption> whenAdopted) {
        this.onAdopted = whenAdopted;
        wakeup.at(clock.instant());
    }

    void offer(BookSnapshot snapshot) {
        Instant now = clock.instant();
        sync.offer(snapshot, now);
        wakeup.at(sync.nextWake(now));
    }

    void close() {
        wakeup.close();
    }

    /** One step: read the node if not yet done, else write if due; then sleep until the next thing is due. */
    void step() {
        Instant now = clock.instant();
        if (!sync.isAdopted()) {
            readNode(now);
        } else {
            sync.step(now).ifPresent(this::write);
        }
        wakeup.at(sync.nextWake(clock.instant()));
    }

    private void readNode(Instant now) {
        Node found;
        try {
            found = client.nodes().withName(node).get();
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            ApiFailure failure = ApiFailure.of(e);
            metrics.request("get", "nodes", failure.codeLabel());
            failed(failure, "get nodes/" + node, now);
            return;
        }
        if (found == null) {
            // fabric8 answers a 404 on get with null.
            metrics.request("get", "nodes", "404");
            failed(new ApiFailure(ApiFailure.Kind.NOT_FOUND, 404, "nodes \"" + node + "\" not found"), "get nodes/" + node, now);
            return;
        }
        metrics.request("get", "nodes", "200");
        NodeAdoption adoption = NodeAdoption.of(found, bootTime.instant());
        onAdopted.accept(adoption);
        sync.adopted(adoption.ourTypes(), clock.instant());
        recovered("node read");
        log.info("node read node={} adopted={} ours={} bootTime={}", node, adoption.stillTrue().keySet(), adoption.ourTypes(), bootTime.instant());
    }

    private void write(NodeStatusPatch patch) {
        Instant started = clock.instant();
        try {
            // Through resource(stub), not withName: with no item in hand fabric8 GETs the node before every patch.
            client.nodes().resource(stub).subresource("status").patch(STRATEGIC_MERGE, patch.json());
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                // The agent is stopping and shut the scheduler down; nothing failed.
                return;
            }
            ApiFailure failure = ApiFailure.of(e);
            metrics.request("patch", "nodes/status", failure.codeLabel());
            failed(failure, "patch nodes/" + node + "/status", clock.instant());
            return;
        }
        Instant done = clock.instant();
        metrics.request("patch", "nodes/status", "200");
        metrics.patchTook(Duration.between(started, done));
        sync.written(patch, done);
        recovered("node status written");
        if (!patch.deletes().isEmpty()) {
            log.info("stale conditions removed node={} types={}", node, patch.deletes());
        }
        log.debug("node status written node={} version={} conditions={}", node, patch.version(), patch.conditions().size());
    }

    private void failed(ApiFailure failure, String call, Instant now) {
        Duration pause = sync.failed(failure, now);
        if (failing.map(f -> f.kind() != failure.kind()).orElse(true)) {
            log.warn("{} node={} code={} detail=\"{}\"", failure.explain(node, call), node, failure.codeLabel(), failure.detail());
        } else {
            log.debug("still failing node={} call=\"{}\" code={} failures={} retryIn={}", node, call, failure.codeLabel(), sync.failures(), pause);
        }
        failing = Optional.of(failure);
    }

    private void recovered(String what) {
        failing.ifPresent(f -> log.info("{} again after the API server recovered node={} was={}", what, node, f.kind()));
        failing = Optional.empty();
    }
}
