package dev.nodemedic.remedy.engine;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.remedy.policy.Budgets;
import dev.nodemedic.remedy.policy.ConditionRule;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicySpec;
import dev.nodemedic.remedy.policy.PolicyDefaults;
import dev.nodemedic.remedy.policy.Recovery;
import dev.nodemedic.remedy.policy.RemedyStep;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a NodeRemedyPolicy and compiles it for the engine. Everything the CRD schema validates is
 * checked again here, because objects reach the controller that never went through an API server's
 * validation (files, older CRDs); the error names the policy, the field, and what to write instead.
 */
public final class PolicyCompiler {
    private static final Pattern CONDITION_TYPE = Pattern.compile(PolicyDefaults.CONDITION_TYPE_PATTERN);
    private static final Pattern COUNT = Pattern.compile("([0-9]+)(%?)");

    public Policy compile(NodeRemedyPolicy resource) {
        String name = resource.getMetadata() == null ? null : resource.getMetadata().getName();
        if (name == null || name.isBlank()) {
            throw new InvalidPolicyException("a NodeRemedyPolicy has no metadata.name");
        }
        Fields fields = new Fields("noderemedypolicy/" + name);
        NodeRemedyPolicySpec spec = resource.getSpec();
        if (spec == null) {
            throw fields.error("spec", "is missing");
        }
        Long generation = resource.getMetadata().getGeneration();
        return new Policy(name, generation == null ? 0 : generation,
                selection(fields, spec),
                rules(fields, spec.rules()),
                ladder(fields, spec.actions()),
                budget(fields, spec.budgets()),
                duration(fields, "spec.recovery.healthyFor",
                        Optional.ofNullable(spec.recovery()).map(Recovery::healthyFor).orElse(null), PolicyDefaults.HEALTHY_FOR),
                spec.dryRun() == null || spec.dryRun(),
                spec.paused() != null && spec.paused(),
                spec.actOnCordonedNodes() == null ? Boolean.parseBoolean(PolicyDefaults.ACT_ON_CORDONED_NODES) : spec.actOnCordonedNodes());
    }

    private static NodeSelection selection(Fields fields, NodeRemedyPolicySpec spec) {
        LabelSelector selector = spec.nodeSelector();
        if (selector == null) {
            throw fields.error("spec.nodeSelector", "is missing (write {} to select every node on purpose)");
        }
        LabelSelection labels = LabelSelection.of(selector, (field, problem) -> fields.error("spec.nodeSelector." + field, problem));
        String excludeLabel = spec.excludeLabel() == null || spec.excludeLabel().isBlank()
                ? PolicyDefaults.EXCLUDE_LABEL : spec.excludeLabel();
        return new NodeSelection(labels, excludeLabel);
    }

    private static List<Rule> rules(Fields fields, List<ConditionRule> rules) {
        if (rules == null || rules.isEmpty()) {
            throw fields.error("spec.rules", "needs at least one rule");
        }
        List<Rule> compiled = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            ConditionRule rule = rules.get(i);
            String field = "spec.rules[" + i + "]";
            if (rule.type() == null || !CONDITION_TYPE.matcher(rule.type()).matches()) {
                throw fields.error(field + ".type", "\"" + rule.type() + "\" is not a condition type (UpperCamelCase, e.g. KernelDeadlock)");
            }
            ConditionStatus status = switch (rule.status() == null ? "True" : rule.status()) {
                case "True" -> ConditionStatus.TRUE;
                case "Unknown" -> ConditionStatus.UNKNOWN;
                default -> throw fields.error(field + ".status", "\"" + rule.status() + "\" must be True or Unknown (False is the healthy status)");
            };
            Optional<Pattern> reason = Optional.empty();
            if (rule.reasonPattern() != null && !rule.reasonPattern().isEmpty()) {
                try {
                    reason = Optional.of(Pattern.compile(rule.reasonPattern()));
                } catch (PatternSyntaxException e) {
                    throw fields.error(field + ".reasonPattern", "\"" + rule.reasonPattern() + "\" is not a regular expression: " + e.getDescription());
                }
            }
            if (rule.minDuration() == null) {
                throw fields.error(field + ".minDuration", "is missing (how long the condition must hold, e.g. 5m)");
            }
            compiled.add(new Rule(rule.type(), status,
                    duration(fields, field + ".minDuration", rule.minDuration(), null),
                    reason,
                    duration(fields, field + ".maxHeartbeatAge", rule.maxHeartbeatAge(), PolicyDefaults.MAX_HEARTBEAT_AGE)));
        }
        return compiled;
    }

    private static List<LadderStep> ladder(Fields fields, List<RemedyStep> steps) {
        if (steps == null || steps.isEmpty()) {
            throw fields.error("spec.actions", "needs at least one step (taint, cordon, drain or requestReboot)");
        }
        List<LadderStep> ladder = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            RemedyStep step = steps.get(i);
            String field = "spec.actions[" + i + "]";
            List<RemedyAction> actions = new ArrayList<>();
            if (step.taint() != null) {
                if (step.taint().key() == null || step.taint().key().isBlank()) {
                    throw fields.error(field + ".taint.key", "is missing");
                }
                String effect = step.taint().effect() == null ? "NoSchedule" : step.taint().effect();
                if (!Set.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
                    throw fields.error(field + ".taint.effect", "\"" + effect + "\" is not one of NoSchedule, PreferNoSchedule, NoExecute");
                }
                actions.add(new RemedyAction.Taint(step.taint().key(), step.taint().value(), effect));
            }
            if (step.cordon() != null) {
                actions.add(new RemedyAction.Cordon());
            }
            if (step.drain() != null) {
                Long grace = step.drain().gracePeriodSeconds();
                if (grace != null && grace < 0) {
                    throw fields.error(field + ".drain.gracePeriodSeconds", grace + " is negative");
                }
                actions.add(new RemedyAction.Drain(grace == null ? OptionalLong.empty() : OptionalLong.of(grace)));
            }
            if (step.requestReboot() != null) {
                actions.add(new RemedyAction.RequestReboot());
            }
            if (actions.size() != 1) {
                throw fields.error(field, "has " + actions.size() + " of taint, cordon, drain, requestReboot; a step has exactly one");
            }
            if (step.timeout() == null) {
                throw fields.error(field + ".timeout", "is missing (how long to wait for recovery before the next step, e.g. 10m)");
            }
            String onTimeout = step.onTimeout() == null ? "Escalate" : step.onTimeout();
            if (!onTimeout.equals("Escalate") && !onTimeout.equals("Stop")) {
                throw fields.error(field + ".onTimeout", "\"" + onTimeout + "\" is not Escalate or Stop");
            }
            ladder.add(new LadderStep(actions.getFirst(), duration(fields, field + ".timeout", step.timeout(), null),
                    onTimeout.equals("Stop")));
        }
        return ladder;
    }

    private static Budget budget(Fields fields, Budgets budgets) {
        Budgets b = budgets == null ? new Budgets(null, null, null, null, null, null, null) : budgets;
        int maxPerZone = orDefault(b.maxPerZone(), PolicyDefaults.MAX_PER_ZONE);
        if (maxPerZone < 0) {
            throw fields.error("spec.budgets.maxPerZone", maxPerZone + " is negative");
        }
        int maxAttempts = orDefault(b.maxAttempts(), PolicyDefaults.MAX_ATTEMPTS);
        if (maxAttempts < 1) {
            throw fields.error("spec.budgets.maxAttempts", maxAttempts + " must be at least 1");
        }
        return new Budget(
                count(fields, "spec.budgets.maxUnhealthy", b.maxUnhealthy(), () -> PolicyDefaults.MAX_UNHEALTHY),
                count(fields, "spec.budgets.maxInFlight", b.maxInFlight(), () -> Integer.toString(PolicyDefaults.MAX_IN_FLIGHT)),
                maxPerZone,
                duration(fields, "spec.budgets.minInterval", b.minInterval(), PolicyDefaults.MIN_INTERVAL),
                duration(fields, "spec.budgets.stormCooldown", b.stormCooldown(), PolicyDefaults.STORM_COOLDOWN),
                maxAttempts,
                duration(fields, "spec.budgets.attemptWindow", b.attemptWindow(), PolicyDefaults.ATTEMPT_WINDOW));
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static NodeCount count(Fields fields, String field, IntOrString value, Supplier<String> fallback) {
        String text;
        if (value == null) {
            text = fallback.get();
        } else if (value.getIntVal() != null) {
            text = value.getIntVal().toString();
        } else {
            text = value.getStrVal();
        }
        var matcher = COUNT.matcher(text == null ? "" : text);
        if (!matcher.matches()) {
            throw fields.error(field, "\"" + text + "\" is not a node count (write a number such as 2 or a percentage such as \"20%\")");
        }
        int number = Integer.parseInt(matcher.group(1));
        boolean percent = !matcher.group(2).isEmpty();
        if (percent && number > 100) {
            throw fields.error(field, "\"" + text + "\" is more than 100%");
        }
        return new NodeCount(number, percent);
    }

    private static Duration duration(Fields fields, String field, String text, String fallback) {
        try {
            return DurationText.parse(text == null ? fallback : text);
        } catch (IllegalArgumentException e) {
            throw fields.error(field, e.getMessage());
        }
    }

    private record Fields(String policy) {
        InvalidPolicyException error(String field, String problem) {
            return new InvalidPolicyException(policy + " " + field + ": " + problem + "; the policy is not acted on until it is fixed");
        }
    }
}
