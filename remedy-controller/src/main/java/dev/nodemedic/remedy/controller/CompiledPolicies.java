package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.engine.InvalidPolicyException;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeSnapshot;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.PolicyCompiler;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NodeRemedyPolicies as the informer last showed them, compiled for the engine, in name order. A
 * policy that does not compile is kept with why (its status says so) and is not acted on.
 */
final class CompiledPolicies {
    private static final Logger log = LoggerFactory.getLogger(CompiledPolicies.class);

    private final PolicyCompiler compiler = new PolicyCompiler();
    private final Function<NodeRemedyPolicy, PolicyState> newState;
    private final Map<String, PolicyState> byName = new TreeMap<>();

    /** @param newState what the loop keeps for a policy it has not seen before */
    CompiledPolicies(Function<NodeRemedyPolicy, PolicyState> newState) {
        this.newState = newState;
    }

    void changed(NodeRemedyPolicy resource) {
        String name = resource.getMetadata().getName();
        PolicyState state = byName.computeIfAbsent(name, n -> newState.apply(resource));
        Long generation = resource.getMetadata().getGeneration();
        state.generation = generation == null ? 0 : generation;
        boolean wasDryRun = state.policy.map(Policy::dryRun).orElse(true);
        try {
            state.policy = Optional.of(compiler.compile(resource));
            state.invalid = "";
        } catch (InvalidPolicyException e) {
            if (!e.getMessage().equals(state.invalid)) {
                log.warn("policy not acted on policy={}: {}", name, e.getMessage());
            }
            state.policy = Optional.empty();
            state.invalid = e.getMessage();
        }
        if (state.policy.map(Policy::dryRun).orElse(true) != wasDryRun) {
            state.executor.modeChanged();
        }
    }

    void removed(String name) {
        byName.remove(name);
    }

    Collection<PolicyState> all() {
        return byName.values();
    }

    /**
     * The controller-wide in-flight count: nodes carrying any policy's marks, except those a person
     * cordoned that their policy leaves to the person, and nodes whose ledger cannot be read.
     */
    int inFlight(List<NodeSnapshot> nodes) {
        return (int) nodes.stream().filter(this::countsInFlight).count();
    }

    private boolean countsInFlight(NodeSnapshot node) {
        if (node.unreadableLedger().isPresent()) {
            // What it carries is unknown until its ledger reads again: counting it keeps --max-in-flight from being exceeded.
            return true;
        }
        Optional<Ledger> ledger = node.ledger().filter(Ledger::inFlight);
        if (ledger.isEmpty()) {
            return false;
        }
        Optional<Policy> owner = Optional.ofNullable(byName.get(ledger.get().policy())).flatMap(s -> s.policy);
        return !node.cordonedByPerson() || owner.map(p -> !p.leavesToPerson(node)).orElse(false);
    }
}
