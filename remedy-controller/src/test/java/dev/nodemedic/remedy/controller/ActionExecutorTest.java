package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.ActionKind;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.action.NodeActions;
import dev.nodemedic.remedy.action.NodeTaint;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeSnapshot;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.PolicyCompiler;
import dev.nodemedic.remedy.policy.Budgets;
import dev.nodemedic.remedy.policy.ConditionRule;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicySpec;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import dev.nodemedic.remedy.policy.Recovery;
import dev.nodemedic.remedy.policy.RemedyStep;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionExecutorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ManualClock clock = new ManualClock(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RemedyMetrics metrics = new RemedyMetrics(registry);
    private final NodeCache cache = new NodeCache(clock, metrics);
    private final RecentActions recent = new RecentActions(List.of());
    private final Map<String, Ledger> ledgers = new HashMap<>();
    private Optional<String> ledgerFailure = Optional.empty();
    private final LedgerStore ledgerStore = new LedgerStore() {
        @Override
        public Optional<String> write(String node, Ledger ledger) {
            if (ledgerFailure.isEmpty()) {
                ledgers.put(node, ledger);
            }
            return ledgerFailure;
        }

        @Override
        public Optional<String> forget(String node) {
            ledgers.remove(node);
            return Optional.empty();
        }
    };
    private final ActionExecutor executor = new ActionExecutor("kernel", cache, ledgerStore, metrics, recent);
    private final Policy policy = policy();
    private final DrainRounds drains = new DrainRounds();

    ActionExecutorTest() {
        cache.nodeChanged(new NodeSnapshot("node-a", Map.of(), List.of(), Optional.empty(), Optional.empty(), false));
    }

    /** Cordon for 10m, then drain; the cordon answers with {@link #outcome}, or WOULD_APPLY in dry-run. */
    private final class FakeNodeActions implements NodeActions {
        final Mode mode;
        ActionResult.Outcome outcome = ActionResult.Outcome.APPLIED;
        int cordons;

        FakeNodeActions(Mode mode) {
            this.mode = mode;
        }

        @Override
        public ActionResult cordon(String node, String policy) {
            cordons++;
            return mode == Mode.DRY_RUN
                    ? new ActionResult(ActionKind.CORDON, node, ActionResult.Outcome.WOULD_APPLY, "would cordon node " + node)
                    : new ActionResult(ActionKind.CORDON, node, outcome, "cordon of node " + node + ": " + outcome);
        }

        @Override
        public ActionResult taint(String node, String policy, NodeTaint taint) {
            throw new AssertionError("no taint step in this policy");
        }

        @Override
        public ActionResult requestReboot(String node, String policy, String why) {
            throw new AssertionError("no reboot step in this policy");
        }

        @Override
        public ActionResult undo(String node, String policy) {
            throw new AssertionError("not undone here");
        }
    }

    private static Actions actions(FakeNodeActions nodes) {
        return new Actions(nodes.mode, nodes, NotAsked.DRAINER, (node, reason, message) -> { }, NotAsked.NEEDS_HUMAN);
    }

    private static Policy policy() {
        NodeRemedyPolicy resource = new NodeRemedyPolicy();
        resource.setMetadata(new ObjectMetaBuilder().withName("kernel").withGeneration(1L).build());
        resource.setSpec(new NodeRemedyPolicySpec(new LabelSelector(), null, List.of(new ConditionRule("KernelDeadlock", "True", "5m", null, null)),
                List.of(new RemedyStep(null, new RemedyStep.CordonStep(), null, null, "10m", null),
                        new RemedyStep(null, null, new RemedyStep.DrainStep(30L), null, "30m", null)),
                new Budgets(new IntOrString("100%"), new IntOrString(1), 1, "5m", "30m", 3, "24h"), new Recovery("10m"), false, false, null));
        return new PolicyCompiler().compile(resource);
    }

    private NodeEntry cordon(Actions acts) {
        NodeDecision.Apply apply = new NodeDecision.Apply("node-a", "", 0, policy.ladder().getFirst(), true, "KernelDeadlock held for 5m");
        return executor.run(new ApplyWrite(apply, policy, drains), acts, clock.instant());
    }

    @Test
    void aDryRunAsksTheDryRunActionOnceKeepsNoLedgerAndSaysItEveryPass() {
        FakeNodeActions dryRun = new FakeNodeActions(Mode.DRY_RUN);

        NodeEntry first = cordon(actions(dryRun));
        clock.advance(Duration.ofMinutes(1));
        NodeEntry second = cordon(actions(dryRun));

        assertThat(dryRun.cordons).isEqualTo(1);
        assertThat(List.of(first, second)).extracting(NodeEntry::state, NodeEntry::next, NodeEntry::message)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("Unhealthy", "cordon", "would cordon node node-a"));
        assertThat(second.due()).isEqualTo(clock.instant().toString());
        assertThat(recent.list()).singleElement().satisfies(a -> assertThat(a.result()).isEqualTo("would_apply"));
        assertThat(ledgers).isEmpty();
        assertThat(cache.ledger("node-a")).isEmpty();
        assertThat(executor.nextRetry(clock.instant())).isEmpty();

        executor.modeChanged();
        cordon(actions(dryRun));
        assertThat(dryRun.cordons).as("a mode change makes the would new again").isEqualTo(2);
    }

    @Test
    void aDoneActionIsKeptInTheLedgerAndTheNextPassSeesIt() {
        FakeNodeActions live = new FakeNodeActions(Mode.APPLY);

        NodeEntry entry = cordon(actions(live));

        Ledger expected = Ledger.empty("kernel").startAttempt(T0, policy.budget().attemptWindow());
        assertThat(ledgers).containsEntry("node-a", expected);
        assertThat(cache.ledger("node-a")).contains(expected);
        assertThat(entry.state()).isEqualTo("InFlight");
        assertThat(entry.next()).isEqualTo("drain");
        assertThat(entry.due()).isEqualTo(T0.plus(Duration.ofMinutes(10)).toString());
        assertThat(recent.list()).singleElement().satisfies(a -> assertThat(a.result()).isEqualTo("applied"));
    }

    @Test
    void aFailedActionWaitsOutItsBackoffBeforeItIsTriedAgain() {
        FakeNodeActions live = new FakeNodeActions(Mode.APPLY);
        live.outcome = ActionResult.Outcome.FAILED;

        NodeEntry failed = cordon(actions(live));
        assertThat(failed.state()).isEqualTo("Unhealthy");
        assertThat(failed.due()).isEqualTo(T0.plusSeconds(10).toString());

        clock.advance(Duration.ofSeconds(9));
        NodeEntry waiting = cordon(actions(live));
        assertThat(live.cordons).isEqualTo(1);
        assertThat(waiting.message()).isEqualTo("the last try failed; trying again at " + T0.plusSeconds(10));
        assertThat(executor.nextRetry(clock.instant())).contains(T0.plusSeconds(10));

        clock.advance(Duration.ofSeconds(1));
        NodeEntry again = cordon(actions(live));
        assertThat(live.cordons).isEqualTo(2);
        assertThat(again.due()).as("the wait doubled").isEqualTo(T0.plusSeconds(30).toString());
        assertThat(ledgers).isEmpty();
    }

    @Test
    void anActionWhoseLedgerIsNotWrittenIsTriedAgainAndNotTakenAsRecorded() {
        FakeNodeActions live = new FakeNodeActions(Mode.APPLY);
        ledgerFailure = Optional.of("patch noderemedyledger node-a failed (500): etcdserver: leader changed");

        NodeEntry entry = cordon(actions(live));

        assertThat(entry.state()).isEqualTo("Unhealthy");
        assertThat(entry.due()).isEqualTo(T0.plusSeconds(10).toString());
        assertThat(entry.message()).as("the action is done, the ledger is not, and why").isEqualTo("cordon of node node-a: APPLIED, but its ledger was not"
                + " written (patch noderemedyledger node-a failed (500): etcdserver: leader changed); cordon and the ledger are tried again at " + T0.plusSeconds(10));
        assertThat(recent.list()).singleElement().satisfies(a -> assertThat(a.result()).as("the cordon itself was applied").isEqualTo("applied"));
        assertThat(cache.ledger("node-a")).isEmpty();

        ledgerFailure = Optional.empty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(cordon(actions(live)).state()).isEqualTo("InFlight");
        assertThat(live.cordons).isEqualTo(2);
        assertThat(cache.ledger("node-a")).isPresent();
        assertThat(executor.nextRetry(clock.instant())).as("the backoff ends with the write").isEmpty();
    }
}
