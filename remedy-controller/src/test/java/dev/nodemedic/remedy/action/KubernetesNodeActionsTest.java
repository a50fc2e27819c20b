package dev.nodemedic.remedy.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.scheduling.ManualScheduler;
import dev.nodemedic.remedy.controller.RemedyMetrics;
import dev.nodemedic.remedy.event.RemedyEventRecorder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesNodeActionsTest {
    KubernetesClient client;
    KubernetesMockServer server;
    private final ManualClock clock = new ManualClock();
    /** The Events' thread and timer, which these tests never move: the recorder would write an Event that failed again on it. */
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @AfterEach
    void closeScheduler() {
        scheduler.close();
    }

    private NodeActions actions(Mode mode) {
        return new KubernetesNodeActions(client, new RemedyEventRecorder(client, scheduler, clock, mode, "remedy-0", new RemedyMetrics(new SimpleMeterRegistry())), clock, mode);
    }

    private Node seed(NodeBuilder node) {
        return client.nodes().resource(node.build()).create();
    }

    private static NodeBuilder node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec();
    }

    private Node read(String name) {
        return client.nodes().withName(name).get();
    }

    /** The Events written so far: the recorder writes on its scheduler's thread. */
    private List<String> eventReasons(String node) {
        scheduler.awaitQueued();
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(node))
                .map(Event::getReason)
                .toList();
    }

    @Test
    void cordonMarksTheNodeAndUndoUncordonsIt() {
        seed(node("node-a"));
        NodeActions actions = actions(Mode.APPLY);

        ActionResult cordoned = actions.cordon("node-a", "gpu-xid");

        assertThat(cordoned.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        Node after = read("node-a");
        assertThat(after.getSpec().getUnschedulable()).isTrue();
        assertThat(after.getMetadata().getAnnotations())
                .containsEntry(RemedyAnnotations.POLICY, "gpu-xid")
                .containsEntry(RemedyAnnotations.CORDONED, "true");
        assertThat(eventReasons("node-a")).containsExactly("RemedyCordoned");

        ActionResult undone = actions.undo("node-a", "gpu-xid");

        assertThat(undone.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        assertThat(undone.message()).contains("uncordoned");
        Node recovered = read("node-a");
        assertThat(recovered.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        assertThat(recovered.getMetadata().getAnnotations()).doesNotContainKeys(RemedyAnnotations.POLICY, RemedyAnnotations.CORDONED);
        assertThat(eventReasons("node-a")).containsExactlyInAnyOrder("RemedyCordoned", "RemedyUndone");
    }

    @Test
    void aNodeAPersonCordonedStaysCordonedThroughRecovery() {
        seed(node("node-a").editSpec().withUnschedulable(true).endSpec());
        NodeActions actions = actions(Mode.APPLY);

        ActionResult cordon = actions.cordon("node-a", "gpu-xid");
        ActionResult taint = actions.taint("node-a", "gpu-xid", NodeTaint.of("remedy.nodemedic.dev/unhealthy", "GpuXid", "NoSchedule"));

        assertThat(cordon.outcome()).isEqualTo(ActionResult.Outcome.UNCHANGED);
        assertThat(cordon.message()).contains("someone else");
        assertThat(taint.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        assertThat(read("node-a").getMetadata().getAnnotations()).doesNotContainKey(RemedyAnnotations.CORDONED);

        ActionResult undone = actions.undo("node-a", "gpu-xid");

        assertThat(undone.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        assertThat(undone.message()).contains("left someone else's cordon in place");
        Node after = read("node-a");
        assertThat(after.getSpec().getUnschedulable()).isTrue();
        assertThat(after.getSpec().getTaints()).isNullOrEmpty();
        assertThat(eventReasons("node-a")).containsExactlyInAnyOrder("RemedyCordonKept", "RemedyTainted", "RemedyUndone");
    }

    @Test
    void undoRemovesOurTaintAndLeavesEveryOtherTaint() {
        Taint theirs = new TaintBuilder().withKey("dedicated").withValue("gpu").withEffect("NoSchedule").build();
        seed(node("node-a").editSpec().withTaints(theirs).endSpec());
        NodeActions actions = actions(Mode.APPLY);
        NodeTaint ours = NodeTaint.of("remedy.nodemedic.dev/unhealthy", "KernelDeadlock", "NoExecute");

        assertThat(actions.taint("node-a", "deadlock", ours).outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        Node tainted = read("node-a");
        assertThat(tainted.getSpec().getTaints()).extracting(Taint::getKey).containsExactly("dedicated", "remedy.nodemedic.dev/unhealthy");
        assertThat(tainted.getSpec().getTaints().get(1).getTimeAdded()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(tainted.getMetadata().getAnnotations()).containsEntry(RemedyAnnotations.TAINTS, "remedy.nodemedic.dev/unhealthy=KernelDeadlock:NoExecute");
        assertThat(actions.taint("node-a", "deadlock", ours).outcome()).isEqualTo(ActionResult.Outcome.UNCHANGED);

        assertThat(actions.undo("node-a", "deadlock").outcome()).isEqualTo(ActionResult.Outcome.APPLIED);

        Node after = read("node-a");
        assertThat(after.getSpec().getTaints()).extracting(Taint::getKey).containsExactly("dedicated");
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKeys(RemedyAnnotations.TAINTS, RemedyAnnotations.POLICY);
    }

    @Test
    void aTaintSomeoneElseAlreadySetIsNotClaimedSoRecoveryKeepsIt() {
        Taint theirs = new TaintBuilder().withKey("remedy.nodemedic.dev/unhealthy").withEffect("NoSchedule").build();
        seed(node("node-a").editSpec().withTaints(theirs).endSpec());
        NodeActions actions = actions(Mode.APPLY);

        ActionResult taint = actions.taint("node-a", "p", NodeTaint.of("remedy.nodemedic.dev/unhealthy", "x", "NoSchedule"));
        ActionResult undo = actions.undo("node-a", "p");

        assertThat(taint.outcome()).isEqualTo(ActionResult.Outcome.UNCHANGED);
        assertThat(taint.message()).contains("someone else set");
        assertThat(undo.outcome()).isEqualTo(ActionResult.Outcome.UNCHANGED);
        assertThat(read("node-a").getSpec().getTaints()).hasSize(1);
    }

    @Test
    void requestRebootAnnotatesTheNodeAndSaysSoInAnEvent() {
        seed(node("node-a"));
        NodeActions actions = actions(Mode.APPLY);

        ActionResult asked = actions.requestReboot("node-a", "deadlock", "KernelDeadlock held for 30m");
        clock.advance(java.time.Duration.ofMinutes(1));
        ActionResult again = actions.requestReboot("node-a", "deadlock", "KernelDeadlock held for 31m");

        assertThat(asked.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        assertThat(again.outcome()).isEqualTo(ActionResult.Outcome.UNCHANGED);
        assertThat(read("node-a").getMetadata().getAnnotations()).containsEntry(RemedyAnnotations.REBOOT_REQUESTED, "2026-01-01T00:00:00Z");
        scheduler.awaitQueued();
        Event event = client.v1().events().inNamespace("default").list().getItems().getFirst();
        assertThat(event.getReason()).isEqualTo("RemedyRebootRequested");
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getMessage()).contains("KernelDeadlock held for 30m").contains(RemedyAnnotations.REBOOT_REQUESTED);
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Node");
        assertThat(event.getSource().getComponent()).isEqualTo("nodemedic-remedy");

        actions.undo("node-a", "deadlock");
        assertThat(read("node-a").getMetadata().getAnnotations()).doesNotContainKey(RemedyAnnotations.REBOOT_REQUESTED);
    }

    @Test
    void aNodeCarryingAnotherPolicysActionsIsLeftAlone() {
        seed(node("node-a"));
        NodeActions actions = actions(Mode.APPLY);
        actions.cordon("node-a", "first");

        ActionResult taint = actions.taint("node-a", "second", NodeTaint.of("k", null, "NoSchedule"));
        ActionResult undo = actions.undo("node-a", "second");

        assertThat(taint.outcome()).isEqualTo(ActionResult.Outcome.REFUSED);
        assertThat(taint.message()).contains("policy first");
        assertThat(undo.outcome()).isEqualTo(ActionResult.Outcome.REFUSED);
        assertThat(read("node-a").getSpec().getUnschedulable()).isTrue();
    }

    @Test
    void aMissingNodeIsRefusedNotThrown() {
        ActionResult result = actions(Mode.APPLY).cordon("gone", "p");

        assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.REFUSED);
        assertThat(result.message()).isEqualTo("node gone does not exist");
    }

    @Test
    void aWriteThatLostARaceIsWorkedOutAgainFromTheFreshNode() throws Exception {
        seed(node("node-a"));
        server.expect().patch().withPath("/api/v1/nodes/node-a").andReturn(409, "conflict").once();
        ApiCalls.take(server);

        ActionResult result = actions(Mode.APPLY).cordon("node-a", "p");

        assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        assertThat(read("node-a").getSpec().getUnschedulable()).isTrue();
        List<String> calls = ApiCalls.take(server).stream().map(r -> r.getMethod() + " " + r.getPath()).toList();
        assertThat(calls).startsWith("GET /api/v1/nodes/node-a", "PATCH /api/v1/nodes/node-a", "GET /api/v1/nodes/node-a", "PATCH /api/v1/nodes/node-a");
    }

    @Test
    void thePatchCarriesTheResourceVersionItWasWorkedOutFrom() throws Exception {
        Node seeded = seed(node("node-a"));
        // Answered by an expectation: the CRUD dispatcher consumes the body it handles, and this test reads it.
        server.expect().patch().withPath("/api/v1/nodes/node-a").andReturn(200, seeded).once();
        ApiCalls.take(server);

        actions(Mode.APPLY).cordon("node-a", "p");

        var patch = ApiCalls.take(server).stream().filter(r -> r.getMethod().equals("PATCH")).findFirst().orElseThrow();
        assertThat(patch.getHeader("Content-Type")).startsWith("application/json-patch+json");
        assertThat(patch.getUtf8Body()).startsWith("[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\""
                + seeded.getMetadata().getResourceVersion() + "\"}");
    }

    @Test
    void dryRunWorksOutEveryActionAndWritesNothing() throws Exception {
        seed(node("node-a"));
        seed(node("node-b").editMetadata().withAnnotations(Map.of(RemedyAnnotations.POLICY, "p", RemedyAnnotations.CORDONED, "true"))
                .endMetadata().editSpec().withUnschedulable(true).endSpec());
        Node beforeA = read("node-a");
        Node beforeB = read("node-b");
        ApiCalls.take(server);
        NodeActions actions = actions(Mode.DRY_RUN);

        List<ActionResult> results = List.of(
                actions.taint("node-a", "p", NodeTaint.of("k", "v", "NoSchedule")),
                actions.cordon("node-a", "p"),
                actions.requestReboot("node-a", "p", "why"),
                actions.undo("node-b", "p"));

        assertThat(results).extracting(ActionResult::outcome).containsOnly(ActionResult.Outcome.WOULD_APPLY);
        assertThat(results.get(0).message()).isEqualTo("would taint node node-a with k=v:NoSchedule (policy p, dry-run)");
        assertThat(results.get(3).message()).contains("uncordoned it");
        scheduler.awaitQueued();
        assertThat(ApiCalls.writes(server)).isEmpty();
        assertThat(read("node-a").getMetadata().getResourceVersion()).isEqualTo(beforeA.getMetadata().getResourceVersion());
        assertThat(read("node-b").getMetadata().getResourceVersion()).isEqualTo(beforeB.getMetadata().getResourceVersion());
        assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
    }
}
