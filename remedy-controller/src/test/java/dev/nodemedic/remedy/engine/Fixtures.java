package dev.nodemedic.remedy.engine;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.remedy.policy.Budgets;
import dev.nodemedic.remedy.policy.ConditionRule;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicySpec;
import dev.nodemedic.remedy.policy.Recovery;
import dev.nodemedic.remedy.policy.RemedyStep;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Policies and nodes for the engine's tests, built the way the controller builds them. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static RemedyStep cordon(String timeout) {
        return new RemedyStep(null, new RemedyStep.CordonStep(), null, null, timeout, null);
    }

    static RemedyStep taint(String timeout) {
        return new RemedyStep(new RemedyStep.TaintStep("remedy.nodemedic.dev/unhealthy", "KernelDeadlock", null), null, null, null, timeout, null);
    }

    static RemedyStep drain(String timeout, String onTimeout) {
        return new RemedyStep(null, null, new RemedyStep.DrainStep(30L), null, timeout, onTimeout);
    }

    static RemedyStep reboot(String timeout) {
        return new RemedyStep(null, null, null, new RemedyStep.RebootStep(), timeout, null);
    }

    static ConditionRule rule(String type, String minDuration) {
        return new ConditionRule(type, "True", minDuration, null, null);
    }

    /** A policy builder with the tests' usual choices: KernelDeadlock for 5m, cordon then drain, live (not dry-run). */
    static final class PolicyBuilder {
        private String name = "kernel";
        private List<ConditionRule> rules = List.of(rule("KernelDeadlock", "5m"));
        private List<RemedyStep> steps = List.of(cordon("10m"), drain("30m", null));
        private Budgets budgets = Fixtures.budgets("100%", "100", 100, "0s", "30m", 3);
        private String healthyFor = "10m";
        private Map<String, String> selector = Map.of();
        private boolean dryRun = false;
        private boolean paused = false;
        private Boolean actOnCordonedNodes = null;

        PolicyBuilder name(String value) {
            name = value;
            return this;
        }

        PolicyBuilder rules(ConditionRule... value) {
            rules = List.of(value);
            return this;
        }

        PolicyBuilder steps(RemedyStep... value) {
            steps = List.of(value);
            return this;
        }

        PolicyBuilder budgets(Budgets value) {
            budgets = value;
            return this;
        }

        PolicyBuilder selector(Map<String, String> value) {
            selector = value;
            return this;
        }

        PolicyBuilder dryRun(boolean value) {
            dryRun = value;
            return this;
        }

        PolicyBuilder paused(boolean value) {
            paused = value;
            return this;
        }

        PolicyBuilder actOnCordonedNodes(boolean value) {
            actOnCordonedNodes = value;
            return this;
        }

        NodeRemedyPolicy resource() {
            NodeRemedyPolicy policy = new NodeRemedyPolicy();
            policy.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
            policy.setSpec(new NodeRemedyPolicySpec(new LabelSelectorBuilder().withMatchLabels(selector).build(), null, rules, steps,
                    budgets, new Recovery(healthyFor), dryRun, paused, actOnCordonedNodes));
            return policy;
        }

        Policy build() {
            return new PolicyCompiler().compile(resource());
        }
    }

    static PolicyBuilder policy() {
        return new PolicyBuilder();
    }

    static Budgets budgets(String maxUnhealthy, String maxInFlight, int maxPerZone, String minInterval, String stormCooldown, int maxAttempts) {
        return new Budgets(intOrString(maxUnhealthy), intOrString(maxInFlight), maxPerZone, minInterval, stormCooldown, maxAttempts, "24h");
    }

    private static IntOrString intOrString(String text) {
        return text.endsWith("%") ? new IntOrString(text) : new IntOrString(Integer.parseInt(text));
    }

    /** A node builder: labels, conditions, ledger. */
    static final class NodeBuilder {
        private final String name;
        private final Map<String, String> labels = new HashMap<>();
        private final List<ObservedCondition> conditions = new ArrayList<>();
        private Optional<Ledger> ledger = Optional.empty();
        private Optional<String> unreadableLedger = Optional.empty();
        private boolean cordonedByPerson;

        NodeBuilder(String name) {
            this.name = name;
        }

        NodeBuilder zone(String zone) {
            labels.put(NodeSnapshot.ZONE_LABEL, zone);
            return this;
        }

        NodeBuilder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** A condition that turned {@code status} at {@code since}, its last heartbeat at {@code heartbeat}. */
        NodeBuilder condition(String type, ConditionStatus status, String reason, Instant since, Instant heartbeat) {
            conditions.add(new ObservedCondition(type, status, reason, since, heartbeat));
            return this;
        }

        NodeBuilder ledger(Ledger value) {
            ledger = Optional.of(value);
            return this;
        }

        /** Its NodeRemedyLedger could not be read, for {@code why}. */
        NodeBuilder unreadableLedger(String why) {
            unreadableLedger = Optional.of(why);
            return this;
        }

        /** spec.unschedulable without our mark, as {@code kubectl cordon} leaves a node. */
        NodeBuilder cordonedByPerson() {
            cordonedByPerson = true;
            return this;
        }

        NodeSnapshot build() {
            return new NodeSnapshot(name, labels, conditions, ledger, unreadableLedger, cordonedByPerson);
        }
    }

    static NodeBuilder node(String name) {
        return new NodeBuilder(name);
    }

    /** A node with KernelDeadlock True since {@code since}, heartbeat fresh at {@code now}. */
    static NodeSnapshot sick(String name, String zone, Instant since, Instant now) {
        return node(name).zone(zone).condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", since, now).build();
    }

    static NodeSnapshot well(String name, String zone, Instant since, Instant now) {
        return node(name).zone(zone).condition("KernelDeadlock", ConditionStatus.FALSE, "KernelHasNoDeadlock", since, now).build();
    }

    private Fixtures() {
    }
}
