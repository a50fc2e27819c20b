package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionsByMode;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import dev.nodemedic.remedy.policy.NodeRemedyLedger;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.scheduling.Scheduler;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remedy controller: informers on Nodes, NodeRemedyPolicies and NodeRemedyLedgers feed the {@link RemedyLoop} on
 * one thread; a pass runs after any change (changes arriving together share one pass) and at the
 * instant the earliest decision falls due — minDuration elapsed, a step timeout, a cooldown or
 * minInterval over, a drain round. There is no polling loop. Only the leader should run one.
 */
public final class RemedyController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemedyController.class);

    private final KubernetesClient client;
    private final Scheduler scheduler;
    private final AutoCloseable ownScheduler;
    private final RemedyMetrics metrics;
    private final RemedyLoop loop;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    /** Nodes already reported for carrying a ledger annotation; touched on the scheduler's thread only. */
    private final Set<String> annotatedNodes = new HashSet<>();
    private volatile boolean synced;
    private volatile boolean closed;
    // Touched on the scheduler's thread only.
    private Scheduler.Cancellable timer;
    private Instant timerAt;

    /**
     * @param scheduler the controller's thread and timer ({@link dev.nodemedic.remedy.scheduling.ExecutorScheduler}; tests step a manual clock through
     *                  theirs), closed with the controller when it is {@link AutoCloseable}; the term's Event recorders
     *                  write on a thread of their own, so an Event the API server is slow to take never holds a pass
     * @param metrics   the process's, shared by the controllers of successive leadership terms
     */
    public RemedyController(KubernetesClient client, Scheduler scheduler, Clock clock, RemedyMetrics metrics, ActionsByMode actions,
                            ControllerSettings settings) {
        this.client = client;
        this.scheduler = scheduler;
        this.ownScheduler = scheduler instanceof AutoCloseable closeable ? closeable : () -> { };
        this.metrics = metrics;
        this.loop = new RemedyLoop(clock, actions, new NodeRemedyLedgerStore(client), new PolicyStatusStore(client), metrics, settings);
    }

    /**
     * Starts the informers and returns once their first lists are in; the first pass runs then, so
     * no budget is ever computed over half the nodes, nor a node taken for one without a ledger.
     */
    public void start() {
        informers.add(client.resources(NodeRemedyPolicy.class).inform(handler(
                policy -> loop.policyChanged(policy), policy -> loop.policyRemoved(policy.getMetadata().getName()))));
        informers.add(client.resources(NodeRemedyLedger.class).inform(handler(this::ledgerChanged,
                ledger -> loop.ledgerChanged(ledger.getMetadata().getName(), Optional.empty()))));
        informers.add(client.nodes().inform(handler(this::nodeChanged, node -> {
            annotatedNodes.remove(node.getMetadata().getName());
            loop.nodeRemoved(node.getMetadata().getName());
        })));
        synced = true;
        log.info("remedy controller watching nodes, policies and ledgers");
        requestPass();
    }

    /**
     * A ledger that cannot be read holds its node: what the controller did to it is unknown, so it is neither acted
     * on nor undone until the ledger reads again (the cache says so, with what to do).
     */
    private void ledgerChanged(NodeRemedyLedger resource) {
        String node = resource.getMetadata().getName();
        Ledger ledger;
        try {
            ledger = LedgerCodec.decode(resource.getSpec());
        } catch (IllegalArgumentException e) {
            loop.ledgerUnreadable(node, e.getMessage());
            return;
        }
        loop.ledgerChanged(node, Optional.of(ledger));
    }

    /** A node carrying a ledger annotation is said once: the annotation is not read, and a node's agent may have written it. */
    private void nodeChanged(Node node) {
        String name = node.getMetadata().getName();
        if (!NodeSnapshots.carriesLedgerAnnotation(node)) {
            annotatedNodes.remove(name);
        } else if (annotatedNodes.add(name)) {
            log.warn("ledger annotation ignored node={}: annotation {} is not read (ledgers are NodeRemedyLedgers, which only the controller "
                    + "writes); a node's agent can write its Node's annotations, so find out who wrote it, then remove it", name,
                    LedgerCodec.NODE_ANNOTATION);
            metrics.untrustedLedger("node_annotation");
        }
        loop.nodeChanged(NodeSnapshots.of(node));
    }

    /** For readiness: every informer listed and is watching. */
    public boolean watching() {
        return synced && !closed && informers.stream().allMatch(SharedIndexInformer::isWatching);
    }

    private <T> ResourceEventHandler<T> handler(Consumer<T> changed, Consumer<T> removed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                submit(() -> {
                    changed.accept(object);
                    requestPass();
                });
            }

            @Override
            public void onUpdate(T before, T after) {
                submit(() -> {
                    changed.accept(after);
                    requestPass();
                });
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                submit(() -> {
                    removed.accept(object);
                    requestPass();
                });
            }
        };
    }

    /**
     * Queues one pass; requests made while one is queued share it. Called on the scheduler's thread after a
     * change is applied, so a pass already queued is behind that change and sees it.
     */
    private void requestPass() {
        if (synced && !closed && passQueued.compareAndSet(false, true)) {
            scheduler.execute(this::runPass);
        }
    }

    private void runPass() {
        passQueued.set(false);
        if (closed) {
            return;
        }
        Optional<Instant> next;
        try {
            next = loop.pass();
        } catch (RuntimeException e) {
            // A bug in one pass must not end the controller: say so loudly and try again on the next change.
            log.error("remedy pass failed", e);
            return;
        }
        wakeAt(next);
    }

    private void wakeAt(Optional<Instant> next) {
        if (next.isPresent() && next.get().equals(timerAt)) {
            return;
        }
        if (timer != null) {
            timer.cancel();
            timer = null;
            timerAt = null;
        }
        if (next.isPresent()) {
            timerAt = next.get();
            timer = scheduler.schedule(next.get(), () -> {
                timer = null;
                timerAt = null;
                requestPass();
            });
        }
    }

    /**
     * Stops acting, then watching; once the scheduler's thread is done, this term's gauges read zero. Closing again
     * does nothing. Acting stops first so that no write of a pass under way is still in flight when the watches
     * close: an API server (fabric8's mock among them) that is sending a watch event for that write to a watch being
     * closed can hold the connection until its close times out.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        submit(() -> {
            if (timer != null) {
                timer.cancel();
            }
        });
        try {
            ownScheduler.close();
        } catch (Exception e) {
            log.warn("scheduler did not close cleanly: {}", e.toString());
        }
        informers.forEach(SharedIndexInformer::close);
        metrics.reset();
    }

    /** Hands a task to the controller's thread; once closed, a change the informers still deliver is of no use. */
    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }
}
