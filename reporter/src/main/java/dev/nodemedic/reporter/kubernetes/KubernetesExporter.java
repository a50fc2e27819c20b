package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.apiserver.events.EventCorrelator;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.ConditionBook;
import dev.nodemedic.reporter.Exporter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * Carries the book to the API server: our conditions on {@code nodes/{name}/status} (strategic merge
 * patch, a lone change at once and a burst coalesced, heartbeat, adoption at start, stale types
 * deleted, a watch of the node that puts them back on a re-created node) and daemon events as core/v1
 * Events on the node (client-go's aggregation and budget). The exporter callbacks return at once;
 * all I/O runs on {@code executor}. The agent owns the client and the executor and closes them after
 * {@link #close()}.
 *
 * <pre>{@code
 * var exporter = new KubernetesExporter(client, KubernetesSettings.defaults(node, bootTime), clock, scheduler, registry);
 * var reporter = new Reporter(List.of(new LogExporter(node, clock), exporter, prometheus), new RecentEvents(200));
 * // ... daemons declare their condition types ...
 * exporter.start(reporter.book());
 * }</pre>
 */
public final class KubernetesExporter implements Exporter, AutoCloseable {
    private final NodeStatusWriter status;
    private final NodeEventWriter events;
    private final EventCorrelator correlator;
    private final Clock clock;
    private final String node;

    /**
     * @param client    built by {@link KubernetesClients#onVertx}; needs nodes get and watch, nodes/status patch, events create and patch
     * @param executor  where reads and writes run; two threads let events and node status proceed side by side
     * @param registry  gets the {@code nodemedic_*} API metrics
     */
    public KubernetesExporter(KubernetesClient client, KubernetesSettings settings, Clock clock, ScheduledExecutorService executor, MeterRegistry registry) {
        this(client, settings, clock, executor, registry, RandomGenerator.of("L64X128MixRandom"));
    }

    KubernetesExporter(KubernetesClient client, KubernetesSettings settings, Clock clock, ScheduledExecutorService executor, MeterRegistry registry,
                       RandomGenerator random) {
        this.clock = clock;
        this.node = settings.node();
        this.correlator = new EventCorrelator(settings.eventLimits());
        NodeStatusSync sync = new NodeStatusSync(settings.debounce(), settings.heartbeat(), Backoff.DEFAULT, random);
        ApiMetrics metrics = new ApiMetrics(registry, clock, sync::lastWrite);
        this.status = new NodeStatusWriter(client, settings, sync, clock, metrics, executor);
        this.events = new NodeEventWriter(client, settings, clock, metrics, executor, Backoff.DEFAULT, random);
    }

    /**
     * Reads the node (retried until it succeeds), hands conditions still True from this boot to the
     * book, and from then on keeps the node in step with it. Returns at once. Call it after the daemons
     * have declared their types: a type of ours on the node that nobody declared by the first write
     * is stale and is deleted.
     */
    public void start(ConditionBook book) {
        status.offer(book.snapshot());
        status.start(adoption -> book.adopt(adoption.fromThisBoot()));
    }

    @Override
    public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
        status.offer(snapshot);
    }

    @Override
    public void eventEmitted(String owner, Event event) {
        events.offer(correlator.decide(node, event, clock.instant()));
    }

    /** Stops scheduling writes; a write in flight finishes. Leaves the client and executor to the agent. */
    @Override
    public void close() {
        status.close();
        events.close();
    }

    int eventsBuffered() {
        return events.buffered();
    }
}
