package dev.nodemedic.apiserver.events;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.ApiTime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * core/v1 Events on Nodes: the thin part that calls the API server. {@link #offer} takes the
 * correlator's decision (on the emitter's thread) into {@link PendingEvents}; {@link #writeDue} writes
 * what is due, in order, on whichever thread the process gives it: the agent's scheduler, or the remedy
 * controller's thread for Events (not its passes') right after it records. What to write, what a failure means and when to try
 * again are {@link PendingEvents}' decisions; this class maps them to calls, log lines and counts.
 */
public final class EventWriter {
    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);
    /** Node is cluster-scoped; its Events live in {@code default}, where kubelet and NPD put them. */
    public static final String NAMESPACE = "default";
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KubernetesClient client;
    private final EventReporter reporter;
    private final PendingEvents pending;
    private final EventLimits limits;
    private final EventMetrics metrics;
    private final Clock clock;
    /** One write at a time, whoever calls: the head of the queue must not go out twice. */
    private final ReentrantLock writing = new ReentrantLock();

    /** @param limits the correlator's, named in the log line when a source goes over its budget */
    public EventWriter(KubernetesClient client, EventReporter reporter, PendingEvents pending, EventLimits limits, EventMetrics metrics, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.pending = Objects.requireNonNull(pending, "pending");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Takes the correlator's decision; true when there is something new to write (call {@link #writeDue}). */
    public boolean offer(EventDecision decision) {
        switch (decision) {
            case EventDecision.Create create when create.combined() -> metrics.eventAggregated();
            case EventDecision.Patch patch -> metrics.eventAggregated();
            default -> {
            }
        }
        EventRecord record = decision.record();
        return switch (pending.offer(decision)) {
            case PendingEvents.Offered.OverBudget over -> {
                metrics.eventDropped("rate_limited");
                if (over.firstOfRun()) {
                    log.warn("events dropped node={} reason=rate_limited source={} eventReason={}: over the budget of {} calls and one per {}; repeats are still counted",
                            record.node(), record.source(), record.reason(), limits.burst(), limits.refillEvery());
                }
                yield false;
            }
            case PendingEvents.Offered.Queued queued -> {
                flowing(record, queued.endedBudgetRun());
                yield true;
            }
            case PendingEvents.Offered.BufferFull full -> {
                flowing(record, full.endedBudgetRun());
                metrics.eventDropped("buffer_full");
                if (full.firstOfRun()) {
                    log.warn("events dropped node={} reason=buffer_full buffered={} source={} eventReason={}: the API server is not taking events",
                            record.node(), pending.buffered(), record.source(), record.reason());
                }
                yield false;
            }
        };
    }

    /**
     * Writes every Event due now, oldest first, until none is due or a failure's backoff begins.
     *
     * @return when to call again: empty when nothing waits
     */
    public Optional<Instant> writeDue() {
        writing.lock();
        try {
            Optional<EventDecision> next;
            while (!Thread.currentThread().isInterrupted() && (next = pending.next(clock.instant())).isPresent()) {
                if (!write(next.get())) {
                    break;
                }
            }
        } finally {
            writing.unlock();
        }
        // Interrupted: the process is stopping; nothing is scheduled again.
        return Thread.currentThread().isInterrupted() ? Optional.empty() : pending.due();
    }

    public int buffered() {
        return pending.buffered();
    }

    /** Writes one Event; false when the writer should stop for now. */
    private boolean write(EventDecision decision) {
        EventRecord record = decision.record();
        String verb = decision instanceof EventDecision.Patch ? "patch" : "create";
        try {
            switch (decision) {
                case EventDecision.Create create -> client.v1().events().inNamespace(NAMESPACE).resource(apiEvent(record)).create();
                case EventDecision.Patch patch -> client.v1().events().inNamespace(NAMESPACE).resource(stub(record)).patch(MERGE, countPatch(record));
                case EventDecision.Drop drop -> throw new IllegalStateException("a dropped event is never queued: " + drop);
            }
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                // The process is stopping and shut its scheduler down; the Event stays where it was.
                return false;
            }
            ApiFailure failure = ApiFailure.of(e);
            metrics.eventRequest(verb, failure.codeLabel());
            return switch (pending.failed(decision, failure, clock.instant())) {
                case PendingEvents.AfterFailure.WriteAs again -> true;
                case PendingEvents.AfterFailure.Rejected rejected -> {
                    metrics.eventDropped("rejected");
                    log.warn("event dropped node={} source={} eventReason={}: {}", record.node(), record.source(), record.reason(),
                            failure.explain(verb + " event " + record.name(), reporter.caller()));
                    yield true;
                }
                case PendingEvents.AfterFailure.Retry retry -> {
                    if (retry.newTrouble()) {
                        log.warn("{} node={} code={} detail=\"{}\" next={}", failure.explainRetried(ApiFailure.Target.EVENT, record.node(), verb + " events", reporter.caller()),
                                record.node(), failure.codeLabel(), failure.detail(), retry.at());
                    }
                    yield false;
                }
            };
        }
        metrics.eventRequest(verb, verb.equals("create") ? "201" : "200");
        metrics.eventSent(verb);
        pending.written(decision).ifPresent(r -> log.info("events written again after the API server recovered node={} was={} droppedMeanwhile={}",
                record.node(), r.was().kind(), r.droppedMeanwhile()));
        return true;
    }

    private void flowing(EventRecord record, long droppedByBudget) {
        if (droppedByBudget > 0) {
            log.info("events flowing again node={} source={} eventReason={} droppedByBudget={}", record.node(), record.source(), record.reason(), droppedByBudget);
        }
    }

    Event apiEvent(EventRecord record) {
        String node = record.node();
        EventBuilder event = new EventBuilder()
                .withNewMetadata().withName(record.name()).withNamespace(NAMESPACE).endMetadata()
                // uid = the node's name, as kubelet and NPD do: `kubectl describe node` looks events up by it.
                .withNewInvolvedObject().withApiVersion("v1").withKind("Node").withName(node).withUid(node).endInvolvedObject()
                .withReason(record.reason())
                .withMessage(record.message())
                .withType(record.severity().eventType())
                .withCount(record.count())
                .withFirstTimestamp(ApiTime.format(record.firstTimestamp()))
                .withLastTimestamp(ApiTime.format(record.lastTimestamp()))
                .withReportingComponent(record.source());
        return switch (reporter) {
            case EventReporter.OnTheNode onTheNode -> event.withNewSource().withComponent(record.source()).withHost(node).endSource()
                    .withReportingInstance(node).build();
            case EventReporter.Controller controller -> event.withNewSource().withComponent(record.source()).endSource()
                    .withReportingInstance(controller.instance()).build();
        };
    }

    /** The Event's identity only: with an item in hand fabric8 sends the patch without reading the Event first. */
    private static Event stub(EventRecord record) {
        return new EventBuilder().withNewMetadata().withName(record.name()).withNamespace(NAMESPACE).endMetadata().build();
    }

    /** Only what a repeat changes, as client-go's correlator patches it (a combined Event's message moves on too). */
    static String countPatch(EventRecord record) {
        var body = JSON.createObjectNode();
        body.put("count", record.count());
        body.put("lastTimestamp", ApiTime.format(record.lastTimestamp()));
        body.put("message", record.message());
        return JSON.writeValueAsString(body);
    }
}
