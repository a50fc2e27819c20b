package dev.nodemedic.remedy.engine;

import java.time.Instant;
import java.util.Optional;

/** What a node's conditions say under a policy's rules, at one instant. */
sealed interface Health {
    /** No rule matches. {@code trusted}: at least one rule's condition is present and every present one is fresh. */
    record Healthy(Optional<Instant> since, boolean trusted) implements Health {
    }

    /** A rule matches with a fresh heartbeat but has not held for its minDuration. */
    record Pending(Rule rule, Instant due) implements Health {
    }

    /** A rule has held for its minDuration with a fresh heartbeat. */
    record Unhealthy(Rule rule, ObservedCondition condition, Instant since) implements Health {
    }

    /** A rule matches but the condition's heartbeat is older than maxHeartbeatAge: its detector may be gone. */
    record Stale(Rule rule, ObservedCondition condition) implements Health {
    }

    static Health of(NodeSnapshot node, Policy policy, Instant now) {
        Unhealthy unhealthy = null;
        Pending pending = null;
        Stale stale = null;
        Instant healthySince = null;
        boolean trusted = true;
        int present = 0;
        for (Rule rule : policy.rules()) {
            Optional<ObservedCondition> found = node.condition(rule.conditionType());
            if (found.isEmpty()) {
                continue;
            }
            ObservedCondition condition = found.get();
            present++;
            boolean fresh = rule.heartbeatFresh(condition, now);
            if (rule.matches(condition)) {
                if (!fresh) {
                    stale = stale == null ? new Stale(rule, condition) : stale;
                    continue;
                }
                Instant due = condition.lastTransitionTime().plus(rule.minDuration());
                if (!due.isAfter(now)) {
                    if (unhealthy == null || condition.lastTransitionTime().isBefore(unhealthy.since())) {
                        unhealthy = new Unhealthy(rule, condition, condition.lastTransitionTime());
                    }
                } else if (pending == null || due.isBefore(pending.due())) {
                    pending = new Pending(rule, due);
                }
            } else {
                trusted &= fresh;
                if (healthySince == null || condition.lastTransitionTime().isAfter(healthySince)) {
                    healthySince = condition.lastTransitionTime();
                }
            }
        }
        if (unhealthy != null) {
            return unhealthy;
        }
        if (pending != null) {
            return pending;
        }
        if (stale != null) {
            return stale;
        }
        return new Healthy(Optional.ofNullable(healthySince), trusted && present > 0);
    }
}
