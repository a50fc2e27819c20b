package dev.nodemedic.remedy.policy;

import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * One node's ledger as the API server keeps it; times are RFC 3339. The controller reads it back with
 * {@code LedgerCodec}, which refuses what it did not write.
 *
 * @param policy     the policy that owns the node while an attempt runs or a person is needed
 * @param attempts   when each attempt within the policy's attemptWindow began
 * @param attempt    the attempt under way, absent when none is
 * @param needsHuman the controller gave up: it leaves the node alone until a person deletes this object
 */
public record NodeRemedyLedgerSpec(@Required String policy, List<String> attempts, Attempt attempt, boolean needsHuman) {
    /** The rung of the ladder the node is on ({@code step}, from 0), and since when. */
    public record Attempt(@Required String startedAt, int step, @Required String stepStartedAt) {
    }
}
