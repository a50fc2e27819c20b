package dev.nodemedic.remedy.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * The little a policy remembers between passes that is not on any node: when the current storm
 * began, and when the last one ended (the cooldown runs from there). Kept in the policy's status.
 */
public record PolicyMemory(Optional<Instant> stormStartedAt, Optional<Instant> stormEndedAt) {
    public static final PolicyMemory NONE = new PolicyMemory(Optional.empty(), Optional.empty());
}
