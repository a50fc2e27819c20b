package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemons.kernellog.rules.Rule;
import dev.nodemedic.daemons.kernellog.rules.RuleEngine;
import dev.nodemedic.daemons.kernellog.source.LineSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * NPD's log-counter count: each line that {@code pattern} matches adds one, each that the revert
 * pattern matches takes one away. Both are matched as NPD's rules are, by the daemon's own engine:
 * against the last 1000 lines (NPD's log-counter buffer) joined by {@code \n}, at their end.
 */
final class MatchCount implements LineSink {
    /** NPD's log-counter keeps this many lines for a pattern to span. */
    static final int BUFFER_LINES = 1000;

    private final RuleEngine engine;
    private long count;

    /**
     * @param pattern       NPD's {@code --pattern}, a Go regular expression
     * @param revertPattern NPD's {@code --revert-pattern}; empty when not given
     * @throws IllegalArgumentException naming the flag whose expression is not valid
     */
    MatchCount(String pattern, String revertPattern) {
        List<Rule> rules = new ArrayList<>();
        rules.add(rule("--pattern", "Pattern", pattern));
        if (!revertPattern.isEmpty()) {
            rules.add(rule("--revert-pattern", "RevertPattern", revertPattern));
        }
        this.engine = engine(rules);
    }

    /** A rule is measured when built and compiled with the others, which names it by its index: name the flag instead. */
    private static RuleEngine engine(List<Rule> rules) {
        try {
            return new RuleEngine(rules, BUFFER_LINES);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage()
                    .replaceFirst("^rules\\[0\\]\\.pattern: ", "--pattern: ")
                    .replaceFirst("^rules\\[1\\]\\.pattern: ", "--revert-pattern: "), e);
        }
    }

    private static Rule rule(String flag, String reason, String expression) {
        try {
            return Rule.temporary(reason, expression);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage().replaceFirst("^pattern: ", ""), e);
        }
    }

    @Override
    public void line(Instant timestamp, String message) {
        engine.push(message, timestamp, match -> count += match.ruleIndex() == 0 ? 1 : -1);
    }

    long count() {
        return count;
    }
}
