package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.reporter.BookSnapshot;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
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
 * {@link NodeStatusSync} says so. After the first write it watches this one Node (a field selector on
 * its name), so that a node deleted and created again, or our entries removed from it, get the latest
 * truth back at once instead of at the next heartbeat. All reads and writes run on the scheduler's
 * thread; {@link #offer} (daemon threads) and the watch's events (the client's threads) only record
 * what they saw and wake it.
 */
final class NodeStatusWriter {
    private static final Logger log = LoggerFactory.getLogger(NodeStatusWriter.class);

    private final KubernetesClient client;
    private final String node;
    private final BootTime bootTime;
    private final NodeStatusSync sync;
    private final Clock clock;
    private final ApiMetrics metrics;
    private final Wakeup wakeup;
    private volatile Consumer<NodeAdoption> onAdopted = adoption -> { };
    /** The failure being retried, so a long outage is one WARN line and one INFO when it ends. */
    private Optional<ApiFailure> failing = Optional.empty();
    /** Likewise for the watch, which fails on its own (a ClusterRole without nodes watch). */
    private Optional<ApiFailure> watchFailing = Optional.empty();
    private volatile Watch watch;
    private volatile boolean closed;

    NodeStatusWriter(KubernetesClient client, KubernetesSettings settings, NodeStatusSync sync, Clock clock, ApiMetrics metrics,
                     ScheduledExecutorService executor) {
        this.client = client;
        this.node = settings.node();
        this.bootTime = settings.bootTime();
        this.sync = sync;
        this.clock = clock;
        this.metrics = metrics;
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
        closed = true;
        wakeup.close();
        Watch open = watch;
        if (open != null) {
            open.close();
        }
    }

    /** One step: read the node if not yet done, else write if due and (re)start the watch; then sleep until the next thing is due. */
    void step() {
        Instant now = clock.instant();
        if (!sync.isAdopted()) {
            readNode(now);
        } else {
            sync.step(now).ifPresent(this::write);
            if (sync.watchDue(clock.instant())) {
                watchNode();
            }
        }
        wakeup.at(sync.nextWake(clock.instant()));
    }

    /**
     * Watches this one Node from now on. Without a resourceVersion the API server first sends the node
     * as it is (a synthetic ADDED), so a watch started again after it was lost also catches up on what
     * it missed. fabric8 resumes a dropped connection by itself; only when it gives up (the server no
     * longer has the history, 410, or refuses the watch) is a new one started here, with backoff.
     */
    private void watchNode() {
        if (closed) {
            // The agent is stopping and may have closed the client already.
            return;
        }
        try {
            watch = client.nodes().withName(node).watch(new NodeWatcher());
        } catch (IllegalStateException e) {
            if (closed) {
                return;
            }
            throw e;
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            ApiFailure failure = ApiFailure.of(e);
            metrics.request("watch", "nodes", failure.codeLabel());
            watchLost(failure);
            return;
        }
        if (closed) {
            // Closed while the watch was being opened: close() did not see it.
            watch.close();
            return;
        }
        metrics.request("watch", "nodes", "200");
        sync.watchStarted();
        watchRecovered();
    }

    private synchronized void watchRecovered() {
        watchFailing.ifPresent(f -> log.info("node watched again node={} was={}", node, f.kind()));
        watchFailing = Optional.empty();
    }

    /** From the writer's thread (the watch could not start) or the client's (the server ended it). */
    private synchronized void watchLost(ApiFailure failure) {
        Duration pause = sync.watchLost(failure, clock.instant());
        if (watchFailing.map(f -> f.kind() != failure.kind()).orElse(true)) {
            log.warn("{}; until then a removed or re-created node gets our conditions back only at the next heartbeat node={} code={} detail=\"{}\"",
                    failure.explainRetried(ApiFailure.Target.NODE, node, "watch nodes/" + node, Caller.AGENT), node, failure.codeLabel(), failure.detail());
        } else {
            log.debug("watch still failing node={} code={} retryIn={}", node, failure.codeLabel(), pause);
        }
        watchFailing = Optional.of(failure);
    }

    private void observe(NodeObservation seen) {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        sync.observed(seen, now).ifPresent(drift -> {
            switch (drift) {
                case NodeDrift.Deleted deleted ->
                        log.warn("node deleted from the API server node={}; our conditions are written again as soon as a node of that name exists", node);
                case NodeDrift.Recreated recreated ->
                        log.info("node created again without our conditions; writing the latest truth node={} uid={} missing={}", node,
                                recreated.uid().orElse("unknown"), recreated.missing());
                case NodeDrift.Removed removed ->
                        log.info("our conditions were removed from the node; writing the latest truth node={} missing={}", node, removed.missing());
            }
        });
        wakeup.at(sync.nextWake(now));
    }

    /** Runs on the client's threads: records what it saw and wakes the writer, never blocks. */
    private final class NodeWatcher implements Watcher<Node> {
        @Override
        public void eventReceived(Action action, Node seen) {
            switch (action) {
                case ADDED, MODIFIED -> observe(NodeObservation.of(seen));
                case DELETED -> observe(new NodeObservation.Gone());
                case ERROR, BOOKMARK -> {
                }
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            // On the client's thread: the state goes to the sync, the restart to the writer's thread.
            watchLost(ApiFailure.of(cause.asClientException()));
            wakeup.at(sync.nextWake(clock.instant()));
        }

        @Override
        public void onClose() {
            // Closed by us: the agent is stopping.
        }
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
        sync.adopted(adoption.ourTypes(), Optional.ofNullable(found.getMetadata()).map(m -> m.getUid()), clock.instant());
        recovered("node read");
        log.info("node read node={} adopted={} ours={} bootTime={}", node, adoption.fromThisBoot().keySet(), adoption.ourTypes(), bootTime.instant());
    }

    private void write(NodeStatusWrite due) {
        Instant started = clock.instant();
        try {
            due.patch().applyTo(client, node);
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
        sync.written(due, done);
        recovered("node status written");
        if (!due.deletes().isEmpty()) {
            log.info("stale conditions removed node={} types={}", node, due.deletes());
        }
        log.debug("node status written node={} version={} conditions={}", node, due.version(), due.conditions().size());
    }

    private void failed(ApiFailure failure, String call, Instant now) {
        Duration pause = sync.failed(failure, now);
        if (failing.map(f -> f.kind() != failure.kind()).orElse(true)) {
            log.warn("{} node={} code={} detail=\"{}\"", failure.explainRetried(ApiFailure.Target.NODE, node, call, Caller.AGENT), node, failure.codeLabel(), failure.detail());
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
