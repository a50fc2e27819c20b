package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.ApiTime;
import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.reporter.events.EventDecision;
import dev.nodemedic.reporter.events.EventRecord;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * core/v1 Events on the node. {@link #offer} (on the daemon's thread) takes the correlator's decision
 * and puts it in a small buffer keyed by Event name, so repeats of an Event not yet written
 * fold into one entry; the scheduler's thread writes the buffer out in order. While the API server is
 * away the buffer holds {@code eventBuffer} Events and drops (and counts) the rest.
 */
final class NodeEventWriter {
    private static final Logger log = LoggerFactory.getLogger(NodeEventWriter.class);
    /** Node is cluster-scoped; its Events live in {@code default}, where kubelet and NPD put them. */
    static final String NAMESPACE = "default";
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KubernetesClient client;
    private final String node;
    private final int capacity;
    private final int burst;
    private final Duration refillEvery;
    private final Clock clock;
    private final ApiMetrics metrics;
    private final Backoff backoff;
    private final RandomGenerator random;
    private final Wakeup wakeup;
    private final SequencedMap<String, EventDecision> buffer = new LinkedHashMap<>();
    private Instant retryAt = Instant.MIN;
    private int failures;
    private long droppedFull;
    /** Budget drops per source since its last call got through; bounded, as sources come from config. */
    private final Map<String, Long> droppedLimited = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 256;
        }
    };
    private Optional<ApiFailure> failing = Optional.empty();

    NodeEventWriter(KubernetesClient client, KubernetesSettings settings, Clock clock, ApiMetrics metrics, ScheduledExecutorService executor,
                    Backoff backoff, RandomGenerator random) {
        this.client = client;
        this.node = settings.node();
        this.capacity = settings.eventBuffer();
        this.burst = settings.eventLimits().burst();
        this.refillEvery = settings.eventLimits().refillEvery();
        this.clock = clock;
        this.metrics = metrics;
        this.backoff = backoff;
        this.random = random;
        this.wakeup = new Wakeup("event writer node=" + node, executor, clock, this::step, settings.maxIdle());
    }

    void offer(EventDecision decision) {
        switch (decision) {
            case EventDecision.Drop drop -> {
                metrics.eventDropped("rate_limited");
                limited(drop.record());
                return;
            }
            case EventDecision.Create create -> {
                if (create.combined()) {
                    metrics.eventAggregated();
                }
            }
            case EventDecision.Patch patch -> metrics.eventAggregated();
        }
        limitLifted(decision.record());
        if (enqueue(decision)) {
            wakeup.at(clock.instant());
        }
    }

    void close() {
        wakeup.close();
    }

    synchronized int buffered() {
        return buffer.size();
    }

    private synchronized boolean enqueue(EventDecision decision) {
        String name = decision.record().name();
        EventDecision waiting = buffer.get(name);
        if (waiting != null) {
            // Not written yet: the newest count replaces the older one; a create stays a create.
            buffer.put(name, waiting instanceof EventDecision.Create create
                    ? new EventDecision.Create(decision.record(), create.combined())
                    : decision);
            return true;
        }
        if (buffer.size() >= capacity) {
            metrics.eventDropped("buffer_full");
            if (droppedFull++ == 0) {
                log.warn("events dropped node={} reason=buffer_full buffered={} source={} eventReason={}: the API server is not taking events",
                        node, capacity, decision.record().source(), decision.record().reason());
            }
            return false;
        }
        buffer.put(name, decision);
        return true;
    }

    /** One WARN when a storm starts hitting the budget; the summary comes when a call gets through again. */
    private void limited(EventRecord record) {
        boolean first;
        synchronized (this) {
            first = droppedLimited.merge(record.source(), 1L, Long::sum) == 1;
        }
        if (first) {
            log.warn("events dropped node={} reason=rate_limited source={} eventReason={}: over the budget of {} calls and one per {}; repeats are still counted",
                    node, record.source(), record.reason(), burst, refillEvery);
        }
    }

    private void limitLifted(EventRecord record) {
        long dropped;
        synchronized (this) {
            dropped = Optional.ofNullable(droppedLimited.remove(record.source())).orElse(0L);
        }
        if (dropped > 0) {
            log.info("events flowing again node={} source={} eventReason={} droppedByBudget={}", node, record.source(), record.reason(), dropped);
        }
    }

    /** What became of one write. */
    private sealed interface Outcome {
        record Written() implements Outcome {
        }

        /** Write this kind instead, at once: a patch of an Event the server lost becomes a create, and back. */
        record Instead(boolean create) implements Outcome {
        }

        /** Failed; kept for after the backoff. */
        record Later() implements Outcome {
        }
    }

    void step() {
        while (!Thread.currentThread().isInterrupted()) {
            Map.Entry<String, EventDecision> head;
            synchronized (this) {
                if (buffer.isEmpty()) {
                    return;
                }
                if (clock.instant().isBefore(retryAt)) {
                    wakeup.at(retryAt);
                    return;
                }
                head = buffer.firstEntry();
            }
            Outcome outcome = send(head.getValue());
            synchronized (this) {
                // The entry may have taken a newer count while we wrote; what it should become uses that.
                EventDecision current = buffer.get(head.getKey());
                switch (outcome) {
                    case Outcome.Later later -> {
                    }
                    case Outcome.Instead instead -> buffer.put(head.getKey(), instead.create()
                            ? new EventDecision.Create(current.record(), false)
                            : new EventDecision.Patch(current.record()));
                    case Outcome.Written written -> {
                        if (current == head.getValue()) {
                            buffer.remove(head.getKey());
                        } else {
                            // The object exists now, so the newer count is a patch.
                            buffer.put(head.getKey(), new EventDecision.Patch(current.record()));
                        }
                    }
                }
            }
        }
    }

    private Outcome send(EventDecision decision) {
        EventRecord record = decision.record();
        String verb = decision instanceof EventDecision.Patch ? "patch" : "create";
        try {
            switch (decision) {
                case EventDecision.Create create -> client.v1().events().inNamespace(NAMESPACE).resource(apiEvent(record)).create();
                case EventDecision.Patch patch -> client.v1().events().inNamespace(NAMESPACE).resource(stub(record)).patch(MERGE, countPatch(record));
                case EventDecision.Drop drop -> {
                    return new Outcome.Written();
                }
            }
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                // The agent is stopping and shut the scheduler down; the event stays where it was.
                return new Outcome.Later();
            }
            ApiFailure failure = ApiFailure.of(e);
            metrics.request(verb, "events", failure.codeLabel());
            if (failure.kind() == ApiFailure.Kind.NOT_FOUND && decision instanceof EventDecision.Patch) {
                // The Event expired (the API server keeps them an hour) or its create was dropped: as client-go, create it.
                return new Outcome.Instead(true);
            }
            if (failure.kind() == ApiFailure.Kind.CONFLICT && decision instanceof EventDecision.Create) {
                return new Outcome.Instead(false);
            }
            if (failure.kind() == ApiFailure.Kind.REJECTED) {
                metrics.eventDropped("rejected");
                log.warn("event rejected by the API server node={} source={} eventReason={} code={} detail=\"{}\"; it is dropped",
                        node, record.source(), record.reason(), failure.code(), failure.detail());
                return new Outcome.Written();
            }
            failed(failure, verb);
            return new Outcome.Later();
        }
        metrics.request(verb, "events", verb.equals("create") ? "201" : "200");
        metrics.eventSent(verb);
        recovered();
        return new Outcome.Written();
    }

    private synchronized void failed(ApiFailure failure, String verb) {
        failures++;
        retryAt = clock.instant().plus(backoff.after(failures, failure.kind().retryCap(), random));
        if (failing.map(f -> f.kind() != failure.kind()).orElse(true)) {
            log.warn("{} node={} code={} detail=\"{}\"", failure.explainRetried(node, verb + " events", Caller.AGENT), node, failure.codeLabel(), failure.detail());
        }
        failing = Optional.of(failure);
    }

    private synchronized void recovered() {
        failures = 0;
        retryAt = Instant.MIN;
        failing.ifPresent(f -> log.info("events written again after the API server recovered node={} was={} droppedMeanwhile={}", node, f.kind(), droppedFull));
        failing = Optional.empty();
        if (droppedFull > 0 && buffer.size() < capacity) {
            droppedFull = 0;
        }
    }

    private Event apiEvent(EventRecord record) {
        return new EventBuilder()
                .withNewMetadata().withName(record.name()).withNamespace(NAMESPACE).endMetadata()
                // uid = the node's name, as kubelet and NPD do: `kubectl describe node` looks events up by it.
                .withNewInvolvedObject().withKind("Node").withName(node).withUid(node).endInvolvedObject()
                .withReason(record.reason())
                .withMessage(record.message())
                .withType(record.severity().eventType())
                .withCount(record.count())
                .withFirstTimestamp(ApiTime.format(record.firstTimestamp()))
                .withLastTimestamp(ApiTime.format(record.lastTimestamp()))
                .withNewSource().withComponent(record.source()).withHost(node).endSource()
                .withReportingComponent(record.source())
                .withReportingInstance(node)
                .build();
    }

    /** The Event's identity only: with no item in hand fabric8 GETs the Event before patching it. */
    private static Event stub(EventRecord record) {
        return new EventBuilder().withNewMetadata().withName(record.name()).withNamespace(NAMESPACE).endMetadata().build();
    }

    /** Only what a repeat changes, as client-go's correlator patches it. */
    static String countPatch(EventRecord record) {
        var body = JSON.createObjectNode();
        body.put("count", record.count());
        body.put("lastTimestamp", ApiTime.format(record.lastTimestamp()));
        body.put("message", record.message());
        return JSON.writeValueAsString(body);
    }
}
