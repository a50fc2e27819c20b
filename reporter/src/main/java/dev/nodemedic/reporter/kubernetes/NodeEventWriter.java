package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.apiserver.events.EventDecision;
import dev.nodemedic.apiserver.events.EventReporter;
import dev.nodemedic.apiserver.events.EventWriter;
import dev.nodemedic.apiserver.events.PendingEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * The agent's Events on its node: api-server's {@link EventWriter}, woken on the agent's scheduler.
 * {@link #offer} (on the daemon's thread) queues the correlator's decision and wakes the writer; the
 * scheduler's thread writes what is due and comes back when a backoff ends. While the API server is
 * away {@code eventBuffer} Events wait and the rest are dropped and counted.
 */
final class NodeEventWriter {
    /** (source, node) pairs whose runs of budget drops are remembered: one node's sources, which come from config, so this is generous. */
    static final int TRACKED_BUDGETS = 256;

    private final EventWriter writer;
    private final Clock clock;
    private final Wakeup wakeup;

    NodeEventWriter(KubernetesClient client, KubernetesSettings settings, Clock clock, ApiMetrics metrics, ScheduledExecutorService executor,
                    Backoff backoff, RandomGenerator random) {
        PendingEvents pending = new PendingEvents(settings.eventBuffer(), TRACKED_BUDGETS, backoff, random);
        this.writer = new EventWriter(client, new EventReporter.OnTheNode(), pending, settings.eventLimits(), metrics, clock);
        this.clock = clock;
        this.wakeup = new Wakeup("event writer node=" + settings.node(), executor, clock, this::step, settings.maxIdle());
    }

    void offer(EventDecision decision) {
        if (writer.offer(decision)) {
            wakeup.at(clock.instant());
        }
    }

    void close() {
        wakeup.close();
    }

    int buffered() {
        return writer.buffered();
    }

    void step() {
        writer.writeDue().ifPresent(wakeup::at);
    }
}
