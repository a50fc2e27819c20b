package dev.nodemedic.remedy.event;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.remedy.action.Mode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemedyEvents} as core/v1 Events. The same reason and message on the same node within
 * {@link #REPEAT_WINDOW} patches the existing Event's {@code count} and {@code lastTimestamp}, as
 * client-go's correlator does, so a node held back by a budget for an hour has one Event, not hundreds.
 * In {@link Mode#DRY_RUN} nothing is written: the Event is logged as it would have been.
 */
public final class NodeEvents implements RemedyEvents {
    private static final Logger log = LoggerFactory.getLogger(NodeEvents.class);
    /** Node is cluster-scoped; its Events live in {@code default}, where kubelet and NPD put them. */
    static final String NAMESPACE = "default";
    /** client-go's correlator counts repeats for ten minutes. */
    static final Duration REPEAT_WINDOW = Duration.ofMinutes(10);
    /** Distinct Events remembered for counting; at most a few per node in flight, so this is generous. */
    static final int REMEMBERED = 4096;
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

    private final KubernetesClient client;
    private final Clock clock;
    private final Mode mode;
    private final String instance;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Key, Written> written = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Key(String node, RemedyReason reason, String message) {
    }

    private record Written(String name, int count, Instant firstTimestamp, Instant lastTimestamp) {
    }

    /**
     * @param instance the controller's identity ({@code POD_NAME}), the Events' {@code reportingInstance}
     */
    public NodeEvents(KubernetesClient client, Clock clock, Mode mode, String instance) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.instance = Objects.requireNonNull(instance, "instance");
    }

    @Override
    public void record(String node, RemedyReason reason, String message) {
        if (mode == Mode.DRY_RUN) {
            log.info("dry-run, event not written node={} reason={}: {}", node, reason, message);
            return;
        }
        Instant now = clock.instant();
        Key key = new Key(node, reason, message);
        Written previous;
        synchronized (written) {
            previous = written.get(key);
        }
        Written next;
        try {
            if (previous != null && Duration.between(previous.lastTimestamp(), now).compareTo(REPEAT_WINDOW) <= 0) {
                next = new Written(previous.name(), previous.count() + 1, previous.firstTimestamp(), now);
                repeat(next);
            } else {
                next = new Written(node + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()) + "."
                        + sequence.incrementAndGet(), 1, now, now);
                client.v1().events().inNamespace(NAMESPACE).resource(event(node, reason, message, next)).create();
            }
        } catch (KubernetesClientException e) {
            ApiFailure error = ApiFailure.of(e);
            if (previous != null && error.notFound()) {
                // The API server let the Event expire (an hour by default): start a new one next time.
                synchronized (written) {
                    written.remove(key);
                }
                record(node, reason, message);
                return;
            }
            log.warn("event not written node={} reason={}: {}", node, reason, error.explain("write event", Caller.CONTROLLER));
            return;
        }
        synchronized (written) {
            written.put(key, next);
        }
    }

    private void repeat(Written next) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", next.count());
        body.put("lastTimestamp", time(next.lastTimestamp()));
        // With an item in hand fabric8 sends the patch without reading the Event first (no "events get" needed).
        Event stub = new EventBuilder().withNewMetadata().withName(next.name()).withNamespace(NAMESPACE).endMetadata().build();
        client.v1().events().inNamespace(NAMESPACE).resource(stub).patch(MERGE, client.getKubernetesSerialization().asJson(body));
    }

    private Event event(String node, RemedyReason reason, String message, Written written) {
        return new EventBuilder()
                .withNewMetadata().withName(written.name()).withNamespace(NAMESPACE).endMetadata()
                // uid = the node's name, as kubelet and NPD do: `kubectl describe node` finds the Events by it.
                .withNewInvolvedObject().withApiVersion("v1").withKind("Node").withName(node).withUid(node).endInvolvedObject()
                .withReason(reason.name())
                .withMessage(message)
                .withType(reason.type().name())
                .withCount(written.count())
                .withFirstTimestamp(time(written.firstTimestamp()))
                .withLastTimestamp(time(written.lastTimestamp()))
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .build();
    }

    private static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
