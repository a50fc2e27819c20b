package dev.nodemedic.remedy.action;

import java.util.Objects;

/**
 * The two action sets the controller holds: a policy with {@code dryRun: true} gets {@link #dryRun},
 * every other policy {@link #apply}. With the global {@code --dry-run} flag both are the dry-run set,
 * so no policy can write.
 */
public record ActionsByMode(Actions apply, Actions dryRun) {
    public ActionsByMode {
        Objects.requireNonNull(apply, "apply");
        Objects.requireNonNull(dryRun, "dryRun");
        if (dryRun.mode() != Mode.DRY_RUN) {
            throw new IllegalArgumentException("the dry-run action set must be in mode DRY_RUN, was " + dryRun.mode());
        }
    }

    public Actions of(boolean policyDryRun) {
        return policyDryRun ? dryRun : apply;
    }
}
