package dev.nodemedic.daemons.kernellog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The conditions permanent rules have raised, by which rule and when last, so that a rule's
 * {@code recoverPattern} clears only what that rule raised and {@code clearAfter} clears a condition
 * that has been quiet long enough. Called from the source thread and the scheduler, hence synchronized.
 */
final class RaisedConditions {
    private record Raised(int ruleIndex, Instant lastMatch, Duration clearAfter) {
    }

    private final Map<String, Raised> raised = new HashMap<>();

    synchronized void raise(String type, int ruleIndex, Duration clearAfter, Instant now) {
        raised.put(type, new Raised(ruleIndex, now, clearAfter));
    }

    /** Forgets {@code type} if rule {@code ruleIndex} raised it; returns whether it did. */
    synchronized boolean recover(String type, int ruleIndex) {
        Raised current = raised.get(type);
        if (current == null || current.ruleIndex() != ruleIndex) {
            return false;
        }
        raised.remove(type);
        return true;
    }

    /** Forgets and returns the condition types whose rule's {@code clearAfter} has passed since its last match. */
    synchronized List<String> expire(Instant now) {
        List<String> cleared = new ArrayList<>();
        for (Iterator<Map.Entry<String, Raised>> it = raised.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Raised> entry = it.next();
            Raised r = entry.getValue();
            if (!r.clearAfter().isZero() && !now.isBefore(r.lastMatch().plus(r.clearAfter()))) {
                cleared.add(entry.getKey());
                it.remove();
            }
        }
        return cleared;
    }
}
