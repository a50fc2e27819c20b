package dev.nodemedic.core;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.ConditionBook;
import dev.nodemedic.reporter.Exporter;
import dev.nodemedic.reporter.kubernetes.KubernetesReporting;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's way to the API server, connected off the path to {@code /healthz}. Building the client
 * (fabric8's serialisation scans its whole model, the kubeconfig's TLS context is made) costs more
 * than the rest of the start together, and a readiness probe or a rollout should not wait for it.
 * So the reporter gets this exporter at once; it connects on a thread of its own when {@link #connect}
 * is called, and until then holds the daemons' events (bounded) and lets condition changes pass, because
 * the Kubernetes exporter starts from the book's whole current truth anyway. The node is read and the
 * conditions on it adopted before our first patch, as before: that order is the exporter's own.
 */
final class ClusterLink implements Exporter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterLink.class);
    /** Events emitted before the client exists; the start takes about a second, in which daemons emit a few. */
    static final int HELD_EVENTS = 256;

    private record HeldEvent(String owner, Event event) {
    }

    private final ClusterConnector connector;
    private final Object lock = new Object();
    private final ArrayDeque<HeldEvent> held = new ArrayDeque<>();
    private final CompletableFuture<Optional<KubernetesReporting>> connected = new CompletableFuture<>();
    private Optional<KubernetesReporting> reporting = Optional.empty();
    private boolean attached;
    private boolean closed;
    private long dropped;

    ClusterLink(ClusterConnector connector) {
        this.connector = connector;
    }

    /**
     * Builds the client and the exporter on a thread named {@code cluster-connect}, hands it the held
     * events and starts it from {@code book}; returns at once. Call it once the daemons already in the
     * plugins folder have declared their types (the exporter takes an undeclared type of ours on the
     * node for a stale one).
     */
    void connect(Vertx vertx, MeterRegistry registry, ConditionBook book) {
        Thread.ofPlatform().name("cluster-connect").daemon(true).start(() -> {
            try {
                Optional<KubernetesReporting> made = connector.connect(vertx, registry);
                if (attach(made)) {
                    made.ifPresent(k -> k.start(book));
                    connected.complete(made);
                }
            } catch (RuntimeException | LinkageError e) {
                synchronized (lock) {
                    held.clear();
                    if (closed) {
                        // The agent stopped under the build (its Vertx is gone): nothing failed.
                        connected.cancel(false);
                        return;
                    }
                }
                connected.completeExceptionally(e);
            }
        });
    }

    /** Completes once the exporter started (empty in local mode), or with the failure that kept the client from being built. */
    CompletableFuture<Optional<KubernetesReporting>> connected() {
        return connected;
    }

    /** @return false if the agent was closed meanwhile: the new client is closed and nothing starts */
    private boolean attach(Optional<KubernetesReporting> made) {
        synchronized (lock) {
            if (closed) {
                made.ifPresent(KubernetesReporting::close);
                connected.cancel(false);
                return false;
            }
            reporting = made;
            attached = true;
            made.ifPresent(k -> held.forEach(h -> k.exporter().eventEmitted(h.owner(), h.event())));
            held.clear();
            if (dropped > 0 && made.isPresent()) {
                log.warn("events dropped before the API server client was built dropped={} held={}", dropped, HELD_EVENTS);
            }
            return true;
        }
    }

    @Override
    public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
        // Before the exporter exists nothing is lost: it starts from the book's current snapshot.
        exporter().ifPresent(e -> e.conditionsChanged(previous, snapshot));
    }

    @Override
    public void eventEmitted(String owner, Event event) {
        synchronized (lock) {
            if (!attached) {
                if (held.size() < HELD_EVENTS) {
                    held.add(new HeldEvent(owner, event));
                } else {
                    dropped++;
                }
                return;
            }
        }
        exporter().ifPresent(e -> e.eventEmitted(owner, event));
    }

    private Optional<Exporter> exporter() {
        synchronized (lock) {
            return reporting.map(KubernetesReporting::exporter);
        }
    }

    /** Stops reporting; a client still being built is closed as soon as it is. */
    @Override
    public void close() {
        Optional<KubernetesReporting> toClose;
        synchronized (lock) {
            closed = true;
            held.clear();
            toClose = reporting;
            reporting = Optional.empty();
        }
        toClose.ifPresent(KubernetesReporting::close);
    }
}
