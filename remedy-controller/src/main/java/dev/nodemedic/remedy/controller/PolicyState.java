package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.PolicyMemory;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import java.util.List;
import java.util.Optional;

/**
 * What the loop keeps for one policy between passes: the policy as last compiled (or why it could not
 * be), the engine's memory, and the memory of each job of the pass. A new leader starts from what the
 * policy's status says (the storm memory, the recent actions), the rest afresh.
 */
final class PolicyState {
    final String name;
    long generation;
    /** Empty while the policy is invalid; {@link #invalid} says why. */
    Optional<Policy> policy = Optional.empty();
    String invalid = "";
    PolicyMemory memory;
    final RecentActions recent;
    final PolicyStatusWriter status;
    final DrainRounds drains = new DrainRounds();
    final ActionExecutor executor;
    final HeldNodes held;

    /** @param found the status the policy carried when the controller first saw it; null when none */
    PolicyState(String name, NodeRemedyPolicyStatus found, NodeCache cache, LedgerStore ledgers, StatusStore statuses, RemedyMetrics metrics) {
        this.name = name;
        this.memory = StatusReport.memory(found);
        this.recent = new RecentActions(found == null || found.recentActions() == null ? List.of() : found.recentActions());
        this.status = new PolicyStatusWriter(statuses, name, found);
        this.executor = new ActionExecutor(name, cache, ledgers, metrics, recent);
        this.held = new HeldNodes(metrics, cache, drains);
    }
}
