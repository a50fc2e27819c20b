package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import java.util.Optional;

/** Where a policy's status goes: its status subresource. */
public interface StatusStore {
    /** @return empty on success, else why it failed (the next pass writes again) */
    Optional<String> write(String policy, NodeRemedyPolicyStatus status);
}
