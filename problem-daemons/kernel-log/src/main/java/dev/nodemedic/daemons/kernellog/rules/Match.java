package dev.nodemedic.daemons.kernellog.rules;

import java.time.Instant;

/**
 * A rule's pattern (or its recover pattern) matched at the end of the buffer.
 *
 * @param ruleIndex the rule's index in the config's {@code rules}
 * @param rule      the rule
 * @param recovery  true when the rule's {@code recoverPattern} matched, not its {@code pattern}
 * @param message   the lines the match spans, joined by {@code \n}, as NPD reports them
 * @param timestamp the time of the first of those lines (NPD's choice)
 * @param firstLine the number of the first of those lines, counting from 1 since the engine started
 * @param lastLine  the number of the line that completed the match
 */
public record Match(int ruleIndex, Rule rule, boolean recovery, String message, Instant timestamp, long firstLine, long lastLine) {
}
