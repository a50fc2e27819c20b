package dev.nodemedic.apiserver.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.apiserver.FixedRandom;
import dev.nodemedic.apiserver.logging.CapturedLog;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.Severity;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventWriterTest {
    private static final String EVENTS_PATH = "/api/v1/namespaces/default/events";

    KubernetesClient client;
    KubernetesMockServer server;
    private final ManualClock clock = new ManualClock();
    private final CountingMetrics metrics = new CountingMetrics();
    private final EventCorrelator correlator = new EventCorrelator(EventLimits.CLIENT_GO);

    /** Counts by name, as a process's own metrics would. */
    private static final class CountingMetrics implements EventMetrics {
        final List<String> seen = new ArrayList<>();

        @Override
        public synchronized void eventRequest(String verb, String code) {
            seen.add("request " + verb + " " + code);
        }

        @Override
        public synchronized void eventSent(String verb) {
            seen.add("sent " + verb);
        }

        @Override
        public synchronized void eventAggregated() {
            seen.add("aggregated");
        }

        @Override
        public synchronized void eventDropped(String reason) {
            seen.add("dropped " + reason);
        }
    }


    /** As both processes configure theirs: no retries inside the client, so the writer's own backoff is what is tested. */
    private EventWriter writer(EventReporter reporter) {
        KubernetesClient noRetries = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
        return new EventWriter(noRetries, reporter, new PendingEvents(100, 256, new Backoff(Duration.ofSeconds(1)), FixedRandom.HIGHEST), EventLimits.CLIENT_GO, metrics, clock);
    }

    private void emit(EventWriter writer, String node, Event event) {
        writer.offer(correlator.decide(node, event, clock.instant()));
        writer.writeDue();
    }

    private Event oom(String message) {
        return new Event("kernel-monitor", Severity.WARNING, "OOMKilling", message, clock.instant());
    }

    private List<io.fabric8.kubernetes.api.model.Event> events() {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .sorted(Comparator.comparing(io.fabric8.kubernetes.api.model.Event::getFirstTimestamp)).toList();
    }

    /** The writes to events since the last look (each look takes them), as {@code METHOD path}. */
    private List<RecordedRequest> eventWrites() throws InterruptedException {
        List<RecordedRequest> writes = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null; r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
            if (!r.getMethod().equals("GET") && r.getPath().startsWith(EVENTS_PATH)) {
                writes.add(r);
            }
        }
        return writes;
    }

    @Test
    void theAgentsEventNamesTheNodeAsInvolvedObjectAndHost() {
        emit(writer(new EventReporter.OnTheNode()), "node-a", oom("Killed process 42 (java)"));

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("v1");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("node-a");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo("node-a");
            assertThat(e.getSource().getComponent()).isEqualTo("kernel-monitor");
            assertThat(e.getSource().getHost()).isEqualTo("node-a");
            assertThat(e.getReportingComponent()).isEqualTo("kernel-monitor");
            assertThat(e.getReportingInstance()).isEqualTo("node-a");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
        });
        assertThat(metrics.seen).containsExactly("request create 201", "sent create");
    }

    @Test
    void aControllersEventHasNoHostAndNamesItsPod() {
        emit(writer(new EventReporter.Controller("nodemedic-remedy-7d9f")), "node-b",
                new Event("nodemedic-remedy", Severity.INFO, "RemedyCordoned", "policy p cordoned node node-b", clock.instant()));

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getName()).isEqualTo("node-b");
            assertThat(e.getSource().getComponent()).isEqualTo("nodemedic-remedy");
            assertThat(e.getSource().getHost()).isNull();
            assertThat(e.getReportingInstance()).isEqualTo("nodemedic-remedy-7d9f");
            assertThat(e.getType()).isEqualTo("Normal");
        });
    }

    @Test
    void aRepeatPatchesOnlyCountLastTimestampAndMessage() throws Exception {
        EventWriter writer = writer(new EventReporter.OnTheNode());
        emit(writer, "node-a", oom("Killed process 42 (java)"));
        clock.advance(Duration.ofMillis(30_500));
        emit(writer, "node-a", oom("Killed process 42 (java)"));

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(2);
            assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T00:00:30Z");
        });
        List<RecordedRequest> writes = eventWrites();
        assertThat(writes).map(RecordedRequest::getMethod).containsExactly("POST", "PATCH");
        assertThat(writes.getLast().getHeader("Content-Type")).startsWith("application/merge-patch+json");
        var record = new EventRecord("node-a.1881e8c3f1a2b000", "kernel-monitor", "node-a", Severity.WARNING, "OOMKilling",
                "Killed process 42 (java)", 2, Instant.parse("2026-01-01T01:00:00Z"), Instant.parse("2026-01-01T01:00:30.5Z"));
        assertThat(EventWriter.countPatch(record))
                .isEqualTo("{\"count\":2,\"lastTimestamp\":\"2026-01-01T01:00:30Z\",\"message\":\"Killed process 42 (java)\"}");
    }

    @Test
    void aRepeatOfAnEventTheServerExpiredIsCreatedAgainWithTheFullCount() {
        EventWriter writer = writer(new EventReporter.OnTheNode());
        emit(writer, "node-a", oom("Killed process 42 (java)"));
        client.v1().events().inNamespace("default").delete();
        clock.advance(Duration.ofMinutes(61));

        emit(writer, "node-a", oom("Killed process 42 (java)"));

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(2);
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T01:01:00Z");
        });
        assertThat(metrics.seen).contains("request patch 404");
    }

    @Test
    void aFailedWriteWaitsOutItsBackoffThenGoesOut() {
        server.expect().post().withPath(EVENTS_PATH).andReturn(503, "{\"kind\":\"Status\",\"code\":503,\"message\":\"unavailable\"}").once();
        EventWriter writer = writer(new EventReporter.OnTheNode());

        writer.offer(correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant()));
        assertThat(writer.writeDue()).contains(clock.instant().plusSeconds(1));
        assertThat(writer.writeDue()).as("not before the backoff ends").contains(clock.instant().plusSeconds(1));

        clock.advance(Duration.ofSeconds(1));
        assertThat(writer.writeDue()).isEmpty();
        assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
        assertThat(metrics.seen).containsExactly("request create 503", "request create 201", "sent create");
    }

    @Test
    void aFailedWriteIsLoggedOncePerKindInApiFailuresWordsWithTheWritersAdvice() {
        server.expect().post().withPath(EVENTS_PATH).andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"events is forbidden\"}").times(2);
        server.expect().post().withPath(EVENTS_PATH).andReturn(422, "{\"kind\":\"Status\",\"code\":422,\"message\":\"Event is invalid\"}").once();
        try (CapturedLog log = new CapturedLog(EventWriter.class.getName())) {
            EventWriter writer = writer(new EventReporter.OnTheNode());
            Event event = oom("Killed process 42 (java)");
            writer.offer(correlator.decide("node-a", event, clock.instant()));
            writer.writeDue();
            clock.advance(Duration.ofMinutes(1));
            writer.writeDue();

            assertThat(log.lines()).as("one line for the run of 403s").singleElement().isEqualTo(
                    "WARNING RBAC forbids create events (403): the agent's ClusterRole needs nodes get and watch, nodes/status patch, events create and patch;"
                            + " create events is retried with backoff up to every 30s node=node-a code=403 detail=\"events is forbidden\" next=2026-01-01T00:00:01Z");

            clock.advance(Duration.ofMinutes(1));
            writer.writeDue();
            assertThat(log.lines()).last().asString().startsWith("WARNING event dropped node=node-a source=kernel-monitor eventReason=OOMKilling: create event node-a.")
                    .endsWith(" failed (422): Event is invalid");
            assertThat(writer.buffered()).isZero();
            assertThat(metrics.seen).containsExactly("request create 403", "request create 403", "request create 422", "dropped rejected");
        }
    }

    @Test
    void aStormOnOneNodeCostsNoMoreThanTheBudget() throws Exception {
        EventWriter writer = writer(new EventReporter.OnTheNode());
        for (int i = 0; i < 200; i++) {
            emit(writer, "node-a", oom("Killed process " + (i % 20)));
        }
        emit(writer, "node-b", oom("Killed process 1"));

        assertThat(eventWrites()).as("25 for node-a, one for node-b").hasSize(26);
        assertThat(metrics.seen.stream().filter("dropped rate_limited"::equals)).hasSize(175);
        assertThat(events().stream().filter(e -> e.getInvolvedObject().getName().equals("node-b"))).singleElement();
    }
}
