package dev.nodemedic.remedy.engine;

import static dev.nodemedic.remedy.engine.Fixtures.T0;
import static dev.nodemedic.remedy.engine.Fixtures.budgets;
import static dev.nodemedic.remedy.engine.Fixtures.cordon;
import static dev.nodemedic.remedy.engine.Fixtures.drain;
import static dev.nodemedic.remedy.engine.Fixtures.node;
import static dev.nodemedic.remedy.engine.Fixtures.policy;
import static dev.nodemedic.remedy.engine.Fixtures.reboot;
import static dev.nodemedic.remedy.engine.Fixtures.sick;
import static dev.nodemedic.remedy.engine.Fixtures.taint;
import static dev.nodemedic.remedy.engine.Fixtures.well;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.remedy.policy.ConditionRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RemedyEngineTest {
    private final RemedyEngine engine = new RemedyEngine();
    private static final Fleet FLEET = Fleet.unlimited(false, 0);

    private Evaluation evaluate(Policy policy, Instant now, NodeSnapshot... nodes) {
        return engine.evaluate(policy, List.of(nodes), PolicyMemory.NONE, FLEET, now);
    }

    private static NodeDecision decisionFor(Evaluation evaluation, String node) {
        return evaluation.decisions().stream().filter(d -> d.node().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError("no decision for " + node + " in " + evaluation.decisions()));
    }

    private static NodeDecision.Hold holdFor(Evaluation evaluation, String node) {
        NodeDecision decision = decisionFor(evaluation, node);
        assertThat(decision).isInstanceOf(NodeDecision.Hold.class);
        return (NodeDecision.Hold) decision;
    }

    private static List<String> applied(Evaluation evaluation) {
        return evaluation.decisions().stream().filter(NodeDecision.Apply.class::isInstance).map(NodeDecision::node).toList();
    }

    private static Ledger inFlightSince(String policy, Instant start, int step, Instant stepStart) {
        return new Ledger(policy, List.of(start), Optional.of(new Ledger.Attempt(start, step, stepStart)), false);
    }

    @Test
    void aConditionIsPendingUntilMinDurationThenTheFirstRungApplies() {
        Policy policy = policy().build();
        NodeSnapshot nodeAt = sick("node-a", "z1", T0, T0.plusSeconds(60));

        Evaluation early = evaluate(policy, T0.plusSeconds(60), nodeAt);
        NodeDecision.Hold pending = holdFor(early, "node-a");
        assertThat(pending.state()).isEqualTo(NodeState.PENDING);
        assertThat(pending.due()).contains(T0.plus(Duration.ofMinutes(5)));
        assertThat(pending.next()).contains("cordon");
        assertThat(early.nextDue()).contains(T0.plus(Duration.ofMinutes(5)));

        Instant due = T0.plus(Duration.ofMinutes(5));
        Evaluation onTime = evaluate(policy, due, sick("node-a", "z1", T0, due));
        NodeDecision.Apply apply = (NodeDecision.Apply) decisionFor(onTime, "node-a");
        assertThat(apply.step()).isZero();
        assertThat(apply.newAttempt()).isTrue();
        assertThat(apply.ladderStep().action()).isEqualTo(new RemedyAction.Cordon());
        assertThat(apply.reason()).contains("KernelDeadlock is True (DockerHung)");
    }

    @Test
    void aConditionWithAStaleHeartbeatIsNotActedOn() {
        Policy policy = policy().build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot stale = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0,
                now.minus(Duration.ofMinutes(16))).build();

        Evaluation evaluation = evaluate(policy, now, stale);

        NodeDecision.Hold hold = holdFor(evaluation, "node-a");
        assertThat(hold.state()).isEqualTo(NodeState.STALE);
        assertThat(hold.reason()).contains("maxHeartbeatAge 15m").contains("detector may be gone");
        assertThat(evaluation.unhealthyNodes()).isZero();
        assertThat(applied(evaluation)).isEmpty();
    }

    @Test
    void maxHeartbeatAgeZeroTrustsAConditionNobodyHeartbeats() {
        Policy policy = policy().rules(new ConditionRule("Ready", "Unknown", "5m", null, "0s")).build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot lost = node("node-a").condition("Ready", ConditionStatus.UNKNOWN, "NodeStatusUnknown", T0, T0).build();

        assertThat(applied(evaluate(policy, now, lost))).containsExactly("node-a");
    }

    @Test
    void reasonPatternLeavesOtherReasonsAlone() {
        Policy policy = policy().rules(new ConditionRule("KernelDeadlock", "True", "5m", "Docker.*", null)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot docker = node("node-a").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0, now).build();
        NodeSnapshot other = node("node-b").condition("KernelDeadlock", ConditionStatus.TRUE, "AUFSUmountHung", T0, now).build();

        assertThat(applied(evaluate(policy, now, docker, other))).containsExactly("node-a");
    }

    @Test
    void excludedAndUnselectedNodesAreNeitherCountedNorTouched() {
        Policy policy = policy().selector(Map.of("pool", "gpu")).build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot selected = node("node-a").label("pool", "gpu").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, now).build();
        NodeSnapshot excluded = node("node-b").label("pool", "gpu").label("remedy.nodemedic.dev/exclude", "")
                .condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, now).build();
        NodeSnapshot otherPool = node("node-c").label("pool", "cpu").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, now).build();

        Evaluation evaluation = evaluate(policy, now, selected, excluded, otherPool);

        assertThat(evaluation.eligibleNodes()).isEqualTo(1);
        assertThat(applied(evaluation)).containsExactly("node-a");
        assertThat(evaluation.decisions()).extracting(NodeDecision::node).containsExactly("node-a");
    }

    @Test
    void maxInFlightAdmitsTheOldestAndHoldsTheRestSayingWhy() {
        Policy policy = policy().budgets(budgets("100%", "1", 100, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));

        Evaluation evaluation = evaluate(policy, now,
                sick("node-b", "z1", T0.plusSeconds(10), now), sick("node-a", "z2", T0, now));

        assertThat(applied(evaluation)).containsExactly("node-a");
        NodeDecision.Hold held = holdFor(evaluation, "node-b");
        assertThat(held.blocked()).map(Blocked::blocker).contains(Blocker.MAX_IN_FLIGHT);
        assertThat(held.blocked().orElseThrow().message()).isEqualTo("1 nodes carry a remedy, maxInFlight is 1");
        assertThat(held.next()).contains("cordon");
        assertThat(evaluation.blockedNodes()).isEqualTo(1);
    }

    @Test
    void maxInFlightCountsNodesAlreadyCarryingARemedyAndFreesWhenOneIsUndone() {
        Policy policy = policy().budgets(budgets("100%", "1", 100, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot carrying = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, now)
                .ledger(inFlightSince("kernel", now.minusSeconds(60), 0, now.minusSeconds(60))).build();

        Evaluation busy = evaluate(policy, now, carrying, sick("node-b", "z2", T0, now));
        assertThat(holdFor(busy, "node-b").blocked()).map(Blocked::blocker).contains(Blocker.MAX_IN_FLIGHT);
        assertThat(busy.inFlightNodes()).isEqualTo(1);

        NodeSnapshot undone = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.FALSE, "", now, now)
                .ledger(inFlightSince("kernel", now.minusSeconds(60), 0, now.minusSeconds(60)).recovered(now, Duration.ofHours(24))).build();
        assertThat(applied(evaluate(policy, now, undone, sick("node-b", "z2", T0, now)))).containsExactly("node-b");
    }

    /** A ledger that could not be read was taken as none: the node looked untouched, was acted on again past maxInFlight, and never undone. */
    @Test
    void aNodeWhoseLedgerCannotBeReadIsHeldWhateverItsHealthAndCountedInFlight() {
        Policy policy = policy().budgets(budgets("100%", "1", 100, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        String why = "spec.attempts[0] \"yesterday\" is not an RFC 3339 time";
        NodeSnapshot sickUnread = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0, now)
                .unreadableLedger(why).build();
        NodeSnapshot wellUnread = node("node-c").zone("z3").condition("KernelDeadlock", ConditionStatus.FALSE, "", T0, now)
                .unreadableLedger(why).build();

        Evaluation evaluation = evaluate(policy, now, sickUnread, sick("node-b", "z2", T0.plusSeconds(1), now), wellUnread);

        assertThat(evaluation.decisions()).noneMatch(d -> d instanceof NodeDecision.Apply || d instanceof NodeDecision.Undo
                || d instanceof NodeDecision.GiveUp);
        for (String held : List.of("node-a", "node-c")) {
            NodeDecision.Hold hold = holdFor(evaluation, held);
            assertThat(hold.state()).isEqualTo(NodeState.LEDGER_UNREADABLE);
            assertThat(hold.next()).isEmpty();
            assertThat(hold.reason()).contains("noderemedyledger/" + held, why, "delete the ledger");
        }
        assertThat(holdFor(evaluation, "node-b").blocked()).map(Blocked::blocker).contains(Blocker.MAX_IN_FLIGHT);
        assertThat(evaluation.inFlightNodes()).isEqualTo(2);

        NodeSnapshot readAgain = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0, now)
                .ledger(Ledger.empty("kernel")).build();
        assertThat(applied(evaluate(policy, now, readAgain, sick("node-b", "z2", T0.plusSeconds(1), now)))).containsExactly("node-a");
    }

    @Test
    void aPercentageMaxInFlightRoundsUpLikeAPodDisruptionBudget() {
        Policy policy = policy().budgets(budgets("100%", "10%", 100, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            nodes.add(sick("node-" + i, "z" + i, T0.plusSeconds(i), now));
        }

        Evaluation evaluation = engine.evaluate(policy, nodes, PolicyMemory.NONE, FLEET, now);

        // 10% of 11 is 1.1: two nodes may be in flight.
        assertThat(applied(evaluation)).containsExactly("node-0", "node-1");
    }

    @Test
    void maxPerZoneHoldsASecondNodeInTheSameZoneButNotInAnother() {
        Policy policy = policy().budgets(budgets("100%", "10", 1, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));

        Evaluation evaluation = evaluate(policy, now,
                sick("a1", "zone-a", T0, now), sick("a2", "zone-a", T0.plusSeconds(1), now), sick("b1", "zone-b", T0.plusSeconds(2), now));

        assertThat(applied(evaluation)).containsExactly("a1", "b1");
        NodeDecision.Hold held = holdFor(evaluation, "a2");
        assertThat(held.blocked()).map(Blocked::blocker).contains(Blocker.MAX_PER_ZONE);
        assertThat(held.blocked().orElseThrow().message()).contains("zone zone-a").contains("maxPerZone is 1");
    }

    @Test
    void minIntervalSpacesTwoRemediesAndSaysWhenTheNextIsDue() {
        Policy policy = policy().budgets(budgets("100%", "10", 10, "5m", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        Instant started = now.minus(Duration.ofMinutes(2));
        NodeSnapshot carrying = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, now)
                .ledger(inFlightSince("kernel", started, 0, started)).build();

        Evaluation evaluation = evaluate(policy, now, carrying, sick("node-b", "z2", T0, now), sick("node-c", "z3", T0, now));

        NodeDecision.Hold held = holdFor(evaluation, "node-b");
        assertThat(held.blocked()).map(Blocked::blocker).contains(Blocker.MIN_INTERVAL);
        assertThat(held.blocked().orElseThrow().until()).contains(started.plus(Duration.ofMinutes(5)));
        assertThat(evaluation.nextDue()).contains(started.plus(Duration.ofMinutes(5)));

        Instant later = started.plus(Duration.ofMinutes(5));
        Evaluation due = evaluate(policy, later, carrying, sick("node-b", "z2", T0, later), sick("node-c", "z3", T0, later));
        // One admission per interval: node-c waits for the next one, counted from node-b's start now.
        assertThat(applied(due)).containsExactly("node-b");
        assertThat(holdFor(due, "node-c").blocked().orElseThrow().until()).contains(later.plus(Duration.ofMinutes(5)));
    }

    @Test
    void aboveMaxUnhealthyItActsOnNoneAndRemembersTheStorm() {
        Policy policy = policy().budgets(budgets("2", "10", 10, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));

        Evaluation evaluation = evaluate(policy, now,
                sick("a", "z1", T0, now), sick("b", "z2", T0, now), sick("c", "z3", T0, now), well("d", "z4", T0, now));

        assertThat(applied(evaluation)).isEmpty();
        assertThat(evaluation.phase()).isEqualTo(PolicyPhase.STORM);
        assertThat(evaluation.message()).isEqualTo("3 of 4 nodes unhealthy, above maxUnhealthy 2: acting on none");
        assertThat(holdFor(evaluation, "a").blocked()).map(Blocked::blocker).contains(Blocker.MAX_UNHEALTHY);
        assertThat(evaluation.blockedNodes()).isEqualTo(3);
        assertThat(evaluation.memory().stormStartedAt()).contains(now);
    }

    @Test
    void aStormIsSeenBeforeItsNodesFallDue() {
        Policy policy = policy().budgets(budgets("1", "10", 10, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        // One node held long enough, two just turned: three match, maxUnhealthy is 1.
        Evaluation evaluation = evaluate(policy, now, sick("a", "z1", T0, now), sick("b", "z2", now.minusSeconds(30), now),
                sick("c", "z3", now.minusSeconds(10), now));

        assertThat(evaluation.phase()).isEqualTo(PolicyPhase.STORM);
        assertThat(evaluation.unhealthyNodes()).isEqualTo(3);
        assertThat(applied(evaluation)).isEmpty();
    }

    @Test
    void afterAStormNewRemediesWaitForTheCooldown() {
        Policy policy = policy().budgets(budgets("2", "10", 10, "0s", "30m", 3)).build();
        Instant stormStart = T0.plus(Duration.ofHours(1));
        Instant end = stormStart.plus(Duration.ofMinutes(10));
        PolicyMemory inStorm = new PolicyMemory(Optional.of(stormStart), Optional.empty());

        Evaluation calmer = engine.evaluate(policy, List.of(sick("a", "z1", T0, end), well("b", "z2", end, end), well("c", "z3", end, end)),
                inStorm, FLEET, end);

        assertThat(calmer.memory()).isEqualTo(new PolicyMemory(Optional.empty(), Optional.of(end)));
        assertThat(calmer.phase()).isEqualTo(PolicyPhase.COOLDOWN);
        NodeDecision.Hold held = holdFor(calmer, "a");
        assertThat(held.blocked()).map(Blocked::blocker).contains(Blocker.STORM_COOLDOWN);
        assertThat(held.blocked().orElseThrow().until()).contains(end.plus(Duration.ofMinutes(30)));
        assertThat(calmer.nextDue()).contains(end.plus(Duration.ofMinutes(30)));

        Instant cooled = end.plus(Duration.ofMinutes(30));
        Evaluation after = engine.evaluate(policy, List.of(sick("a", "z1", T0, cooled), well("b", "z2", end, cooled), well("c", "z3", end, cooled)),
                calmer.memory(), FLEET, cooled);
        assertThat(applied(after)).containsExactly("a");
        assertThat(after.phase()).isEqualTo(PolicyPhase.ACTIVE);
    }

    @Test
    void noEscalationDuringAStorm() {
        Policy policy = policy().budgets(budgets("1", "10", 10, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        Instant started = now.minus(Duration.ofMinutes(20));
        NodeSnapshot carrying = node("a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, now)
                .ledger(inFlightSince("kernel", started, 0, started)).build();

        Evaluation evaluation = evaluate(policy, now, carrying, sick("b", "z2", T0, now));

        assertThat(applied(evaluation)).isEmpty();
        assertThat(holdFor(evaluation, "a").blocked()).map(Blocked::blocker).contains(Blocker.MAX_UNHEALTHY);
    }

    @Test
    void theLadderEscalatesExactlyAtTheStepTimeout() {
        Policy policy = policy().steps(taint("5m"), cordon("10m"), drain("30m", null), reboot("1h")).build();
        Instant started = T0.plus(Duration.ofMinutes(10));
        Ledger ledger = inFlightSince("kernel", started, 0, started);
        Instant before = started.plus(Duration.ofMinutes(5)).minusMillis(1);
        NodeSnapshot tainted = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, before).ledger(ledger).build();

        NodeDecision.Hold waiting = holdFor(evaluate(policy, before, tainted), "a");
        assertThat(waiting.state()).isEqualTo(NodeState.IN_FLIGHT);
        assertThat(waiting.due()).contains(started.plus(Duration.ofMinutes(5)));
        assertThat(waiting.next()).contains("cordon");

        Instant timeout = started.plus(Duration.ofMinutes(5));
        NodeSnapshot stillSick = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, timeout).ledger(ledger).build();
        NodeDecision.Apply escalate = (NodeDecision.Apply) decisionFor(evaluate(policy, timeout, stillSick), "a");
        assertThat(escalate.step()).isEqualTo(1);
        assertThat(escalate.newAttempt()).isFalse();
        assertThat(escalate.ladderStep().action()).isEqualTo(new RemedyAction.Cordon());
        assertThat(escalate.reason()).isEqualTo("taint timed out after 5m and the node is still unhealthy");
    }

    @Test
    void escalationIsNotHeldByTheBudgetsThatGateNewRemedies() {
        Policy policy = policy().budgets(budgets("100%", "1", 1, "1h", "30m", 3)).build();
        Instant started = T0.plus(Duration.ofMinutes(10));
        Instant timeout = started.plus(Duration.ofMinutes(10));
        NodeSnapshot cordoned = node("a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, timeout)
                .ledger(inFlightSince("kernel", started, 0, started)).build();

        Evaluation evaluation = evaluate(policy, timeout, cordoned, sick("b", "z1", T0, timeout));

        assertThat(decisionFor(evaluation, "a")).isInstanceOf(NodeDecision.Apply.class);
        assertThat(holdFor(evaluation, "b").blocked()).map(Blocked::blocker).contains(Blocker.MAX_IN_FLIGHT);
    }

    @Test
    void onTimeoutStopGivesTheNodeToAPersonInsteadOfEscalating() {
        Policy policy = policy().steps(cordon("10m"), drain("30m", "Stop"), reboot("1h")).build();
        Instant drainStart = T0.plus(Duration.ofMinutes(20));
        Instant timeout = drainStart.plus(Duration.ofMinutes(30));
        NodeSnapshot draining = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, timeout)
                .ledger(inFlightSince("kernel", T0.plus(Duration.ofMinutes(10)), 1, drainStart)).build();

        NodeDecision decision = decisionFor(evaluate(policy, timeout, draining), "a");

        assertThat(decision).isInstanceOf(NodeDecision.GiveUp.class);
        assertThat(((NodeDecision.GiveUp) decision).reason()).isEqualTo("drain timed out after 30m and the step says onTimeout: Stop");
    }

    @Test
    void whenTheLadderRunsOutItStartsOverUntilMaxAttemptsThenGivesUp() {
        Policy policy = policy().steps(cordon("10m")).budgets(budgets("100%", "10", 10, "0s", "30m", 2)).build();
        Instant first = T0.plus(Duration.ofMinutes(10));
        Instant timeout = first.plus(Duration.ofMinutes(10));
        NodeSnapshot once = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, timeout)
                .ledger(inFlightSince("kernel", first, 0, first)).build();

        NodeDecision.Apply again = (NodeDecision.Apply) decisionFor(evaluate(policy, timeout, once), "a");
        assertThat(again.newAttempt()).isTrue();
        assertThat(again.reason()).contains("attempt 2 of 2");

        Ledger twice = inFlightSince("kernel", first, 0, first).startAttempt(timeout, Duration.ofHours(24));
        Instant secondTimeout = timeout.plus(Duration.ofMinutes(10));
        NodeSnapshot exhausted = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, secondTimeout).ledger(twice).build();
        Evaluation evaluation = evaluate(policy, secondTimeout, exhausted);
        NodeDecision.GiveUp giveUp = (NodeDecision.GiveUp) decisionFor(evaluation, "a");
        assertThat(giveUp.reason()).isEqualTo("the ladder ran out 2 times within 24h (maxAttempts 2)");
        assertThat(evaluation.needsHumanNodes()).isEqualTo(1);
    }

    @Test
    void aNodeThatKeepsComingBackIsGivenUpOnAtMaxAttemptsInsteadOfActedOn() {
        Policy policy = policy().budgets(budgets("100%", "10", 10, "0s", "30m", 2)).build();
        Instant now = T0.plus(Duration.ofHours(3));
        Ledger history = new Ledger("kernel", List.of(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2))), Optional.empty(), false);
        NodeSnapshot relapsed = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", now.minus(Duration.ofMinutes(6)), now)
                .ledger(history).build();

        NodeDecision decision = decisionFor(evaluate(policy, now, relapsed), "a");
        assertThat(decision).isInstanceOf(NodeDecision.GiveUp.class);
        assertThat(((NodeDecision.GiveUp) decision).reason()).contains("2 attempts within 24h already (maxAttempts 2)");

        // A day later the old attempts are out of the window: the node may be remedied again.
        Instant dayLater = T0.plus(Duration.ofHours(26).plusMinutes(1));
        NodeSnapshot later = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", dayLater.minus(Duration.ofMinutes(6)), dayLater)
                .ledger(history).build();
        assertThat(applied(evaluate(policy, dayLater, later))).containsExactly("a");
    }

    @Test
    void aNodeLeftToAPersonIsNotTouchedAgain() {
        Policy policy = policy().build();
        Instant now = T0.plus(Duration.ofHours(3));
        NodeSnapshot givenUp = node("a").condition("KernelDeadlock", ConditionStatus.FALSE, "", T0, now)
                .ledger(inFlightSince("kernel", T0, 0, T0).givenUp()).build();

        NodeDecision.Hold hold = holdFor(evaluate(policy, now, givenUp), "a");

        assertThat(hold.state()).isEqualTo(NodeState.NEEDS_HUMAN);
        assertThat(hold.reason()).contains("kubectl delete noderemedyledger a hands it back");
    }

    @Test
    void recoveryUndoesOnlyAfterHealthyForWithAFreshHeartbeat() {
        Policy policy = policy().build();
        Instant started = T0.plus(Duration.ofMinutes(5));
        Instant healed = T0.plus(Duration.ofMinutes(12));
        Ledger ledger = inFlightSince("kernel", started, 0, started);

        Instant soon = healed.plus(Duration.ofMinutes(3));
        NodeSnapshot recovering = node("a").condition("KernelDeadlock", ConditionStatus.FALSE, "", healed, soon).ledger(ledger).build();
        NodeDecision.Hold hold = holdFor(evaluate(policy, soon, recovering), "a");
        assertThat(hold.state()).isEqualTo(NodeState.RECOVERING);
        assertThat(hold.due()).contains(healed.plus(Duration.ofMinutes(10)));
        assertThat(hold.next()).contains("undo");

        Instant due = healed.plus(Duration.ofMinutes(10));
        NodeSnapshot recovered = node("a").condition("KernelDeadlock", ConditionStatus.FALSE, "", healed, due).ledger(ledger).build();
        assertThat(decisionFor(evaluate(policy, due, recovered), "a")).isInstanceOf(NodeDecision.Undo.class);

        NodeSnapshot staleHealthy = node("a").condition("KernelDeadlock", ConditionStatus.FALSE, "", healed, healed).ledger(ledger).build();
        Instant late = healed.plus(Duration.ofMinutes(20));
        NodeDecision.Hold notTrusted = holdFor(evaluate(policy, late, staleHealthy), "a");
        assertThat(notTrusted.state()).isEqualTo(NodeState.STALE);
        assertThat(notTrusted.reason()).contains("not undoing");
    }

    @Test
    void aPausedPolicyDoesNothingAtAllUndoIncluded() {
        Policy policy = policy().paused(true).build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot recovered = node("a").condition("KernelDeadlock", ConditionStatus.FALSE, "", T0, now)
                .ledger(inFlightSince("kernel", T0, 0, T0)).build();

        Evaluation evaluation = evaluate(policy, now, recovered, sick("b", "z1", T0, now));

        assertThat(evaluation.phase()).isEqualTo(PolicyPhase.PAUSED);
        assertThat(evaluation.decisions()).allMatch(NodeDecision.Hold.class::isInstance);
        assertThat(holdFor(evaluation, "a").blocked()).map(Blocked::blocker).contains(Blocker.PAUSED);
        assertThat(holdFor(evaluation, "b").blocked()).map(Blocked::blocker).contains(Blocker.PAUSED);
    }

    @Test
    void theGlobalPauseStopsEveryPolicy() {
        Policy policy = policy().build();
        Instant now = T0.plus(Duration.ofHours(1));

        Evaluation evaluation = engine.evaluate(policy, List.of(sick("b", "z1", T0, now)), PolicyMemory.NONE, Fleet.unlimited(true, 0), now);

        assertThat(evaluation.phase()).isEqualTo(PolicyPhase.PAUSED);
        assertThat(evaluation.message()).contains("--paused");
        assertThat(holdFor(evaluation, "b").blocked()).map(Blocked::blocker).contains(Blocker.GLOBALLY_PAUSED);
    }

    @Test
    void theClusterWideInFlightLimitHoldsEveryPolicy() {
        Policy policy = policy().build();
        Instant now = T0.plus(Duration.ofHours(1));

        Evaluation evaluation = engine.evaluate(policy, List.of(sick("b", "z1", T0, now)), PolicyMemory.NONE,
                new Fleet(false, OptionalInt.of(3), 3), now);

        assertThat(holdFor(evaluation, "b").blocked()).map(Blocked::blocker).contains(Blocker.CLUSTER_MAX_IN_FLIGHT);
    }

    @Test
    void aNodeAnotherPolicyIsRemedyingIsLeftToIt() {
        Policy policy = policy().build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot theirs = node("a").condition("KernelDeadlock", ConditionStatus.TRUE, "", T0, now)
                .ledger(inFlightSince("gpu", T0, 0, T0)).build();

        Evaluation evaluation = evaluate(policy, now, theirs);

        assertThat(holdFor(evaluation, "a").blocked()).map(Blocked::blocker).contains(Blocker.OTHER_POLICY);
        assertThat(evaluation.inFlightNodes()).isZero();
    }

    @Test
    void dryRunDecidesExactlyAsALivePolicyWould() {
        Instant now = T0.plus(Duration.ofHours(1));
        List<NodeSnapshot> nodes = List.of(sick("a", "z1", T0, now), sick("b", "z1", T0.plusSeconds(1), now), sick("c", "z2", T0.plusSeconds(2), now));
        Policy live = policy().budgets(budgets("100%", "10", 1, "0s", "30m", 3)).build();
        Policy dry = policy().budgets(budgets("100%", "10", 1, "0s", "30m", 3)).dryRun(true).build();

        Evaluation liveEvaluation = engine.evaluate(live, nodes, PolicyMemory.NONE, FLEET, now);
        Evaluation dryEvaluation = engine.evaluate(dry, nodes, PolicyMemory.NONE, FLEET, now);

        assertThat(dryEvaluation.decisions()).isEqualTo(liveEvaluation.decisions());
        assertThat(dryEvaluation.phase()).isEqualTo(PolicyPhase.DRY_RUN);
        assertThat(liveEvaluation.phase()).isEqualTo(PolicyPhase.ACTIVE);
    }

    @Test
    void aNodeAPersonCordonedIsHeldByThemAndDoesNotTakeTheInFlightBudget() {
        Policy policy = policy().budgets(budgets("100%", "1", 100, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot byPerson = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0, now)
                .cordonedByPerson().build();

        Evaluation evaluation = evaluate(policy, now, byPerson, sick("node-b", "z2", T0.plusSeconds(1), now));

        NodeDecision.Hold held = holdFor(evaluation, "node-a");
        assertThat(held.state()).isEqualTo(NodeState.HELD_BY_PERSON);
        assertThat(held.next()).isEmpty();
        assertThat(held.due()).isEmpty();
        assertThat(held.blocked()).isEmpty();
        assertThat(held.reason()).contains("no remedy is started").contains("uncordon it to hand it back").contains("actOnCordonedNodes");
        assertThat(applied(evaluation)).containsExactly("node-b");
        assertThat(evaluation.inFlightNodes()).isEqualTo(1);
    }

    @Test
    void aPersonsCordonStopsTheLadderOfANodeInFlightAndFreesItsPlace() {
        Policy policy = policy().budgets(budgets("100%", "1", 100, "0s", "30m", 3)).build();
        Instant now = T0.plus(Duration.ofHours(1));
        // Cordoned at T0+5m (10m timeout): the drain was due at T0+15m. A person cordoned the node since.
        Ledger cordonTimedOut = inFlightSince("kernel", T0.plus(Duration.ofMinutes(5)), 0, T0.plus(Duration.ofMinutes(5)));
        NodeSnapshot taken = node("node-a").zone("z1").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0, now)
                .ledger(cordonTimedOut).cordonedByPerson().build();

        Evaluation evaluation = evaluate(policy, now, taken, sick("node-b", "z1", T0, now));

        NodeDecision.Hold held = holdFor(evaluation, "node-a");
        assertThat(held.state()).isEqualTo(NodeState.HELD_BY_PERSON);
        assertThat(held.reason()).contains("the ladder stops at cordon");
        assertThat(applied(evaluation)).containsExactly("node-b");
        assertThat(evaluation.inFlightNodes()).isEqualTo(1);
    }

    @Test
    void aNodeAPersonCordonedIsStillUndoneOnceHealthy() {
        Policy policy = policy().build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot recovered = node("node-a").condition("KernelDeadlock", ConditionStatus.FALSE, "KernelHasNoDeadlock", T0.plus(Duration.ofMinutes(30)), now)
                .ledger(inFlightSince("kernel", T0.plus(Duration.ofMinutes(5)), 0, T0.plus(Duration.ofMinutes(5)))).cordonedByPerson().build();

        assertThat(decisionFor(evaluate(policy, now, recovered), "node-a")).isInstanceOf(NodeDecision.Undo.class);
    }

    @Test
    void aPolicyMayOptInToActingOnNodesAPersonCordoned() {
        Policy policy = policy().budgets(budgets("100%", "1", 100, "0s", "30m", 3)).actOnCordonedNodes(true).build();
        Instant now = T0.plus(Duration.ofHours(1));
        NodeSnapshot byPerson = node("node-a").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0, now).cordonedByPerson().build();
        Ledger cordonTimedOut = inFlightSince("kernel", T0.plus(Duration.ofMinutes(5)), 0, T0.plus(Duration.ofMinutes(5)));
        NodeSnapshot inFlight = node("node-b").condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", T0, now)
                .ledger(cordonTimedOut).cordonedByPerson().build();

        Evaluation evaluation = evaluate(policy, now, byPerson, inFlight);

        assertThat(holdFor(evaluation, "node-a").blocked().orElseThrow().blocker()).isEqualTo(Blocker.MAX_IN_FLIGHT);
        NodeDecision.Apply drain = (NodeDecision.Apply) decisionFor(evaluation, "node-b");
        assertThat(drain.ladderStep().action()).isInstanceOf(RemedyAction.Drain.class);
        assertThat(evaluation.inFlightNodes()).isEqualTo(1);
    }
}
