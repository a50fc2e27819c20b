package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.ActionKind;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.ActionsByMode;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.action.NodeActions;
import dev.nodemedic.remedy.action.NodeTaint;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.policy.Budgets;
import dev.nodemedic.remedy.policy.ConditionRule;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicySpec;
import dev.nodemedic.remedy.policy.Recovery;
import dev.nodemedic.remedy.policy.RemedyStep;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemedyLoopTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ManualClock clock = new ManualClock(T0);

    /** The API server refuses every write to nodes. */
    private static final class RefusingNodes implements NodeActions {
        private static ActionResult failed(ActionKind kind, String node) {
            return new ActionResult(kind, node, ActionResult.Outcome.FAILED, "HTTP 500 from the API server");
        }

        @Override
        public ActionResult taint(String node, String policy, NodeTaint taint) {
            return failed(ActionKind.TAINT, node);
        }

        @Override
        public ActionResult cordon(String node, String policy) {
            return failed(ActionKind.CORDON, node);
        }

        @Override
        public ActionResult requestReboot(String node, String policy, String why) {
            return failed(ActionKind.REQUEST_REBOOT, node);
        }

        @Override
        public ActionResult undo(String node, String policy) {
            return failed(ActionKind.UNDO, node);
        }
    }

    private final RemedyLoop loop = loop();

    private RemedyLoop loop() {
        Actions live = new Actions(Mode.APPLY, new RefusingNodes(), NotAsked.DRAINER, (node, reason, message) -> { }, NotAsked.NEEDS_HUMAN);
        Actions dry = new Actions(Mode.DRY_RUN, live.nodes(), NotAsked.DRAINER, live.events(), NotAsked.NEEDS_HUMAN);
        LedgerStore ledgers = new LedgerStore() {
            @Override
            public Optional<String> write(String node, Ledger ledger) {
                return Optional.empty();
            }

            @Override
            public Optional<String> forget(String node) {
                return Optional.empty();
            }
        };
        return new RemedyLoop(clock, new ActionsByMode(live, dry), ledgers, (policy, status) -> Optional.empty(),
                new RemedyMetrics(new SimpleMeterRegistry()), ControllerSettings.DEFAULT);
    }

    private static NodeRemedyPolicy policy(boolean paused) {
        NodeRemedyPolicy resource = new NodeRemedyPolicy();
        resource.setMetadata(new ObjectMetaBuilder().withName("kernel").withGeneration(paused ? 2L : 1L).build());
        resource.setSpec(new NodeRemedyPolicySpec(new LabelSelector(), null, List.of(new ConditionRule("KernelDeadlock", "True", "5m", null, null)),
                List.of(new RemedyStep(null, new RemedyStep.CordonStep(), null, null, "10m", null)),
                new Budgets(new IntOrString("100%"), new IntOrString(1), 1, "0s", "30m", 3, "24h"), new Recovery("10m"), false, paused, null));
        return resource;
    }

    private void sickNode(String name, Instant heartbeat) {
        loop.nodeChanged(NodeSnapshots.of(new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec()
                .withNewStatus().addNewCondition().withType("KernelDeadlock").withStatus("True").withReason("DockerHung")
                .withLastTransitionTime(T0.minus(Duration.ofMinutes(10)).toString()).withLastHeartbeatTime(heartbeat.toString()).endCondition()
                .endStatus().build()));
    }

    @Test
    void aRetryTimeThatPassedWhileTheNodeIsHeldAsksForNoPassAtOnce() {
        sickNode("node-a", T0);
        loop.policyChanged(policy(false));
        assertThat(loop.pass()).as("the cordon failed: tried again in 10 s").contains(T0.plusSeconds(10));

        loop.policyChanged(policy(true));
        clock.advance(Duration.ofSeconds(11));
        sickNode("node-a", clock.instant());

        // A time already past would have the controller pass again at once, and again, for as long as the node is held.
        assertThat(loop.pass().filter(next -> !next.isAfter(clock.instant()))).isEmpty();
    }
}
