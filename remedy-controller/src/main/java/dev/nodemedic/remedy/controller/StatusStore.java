package dev.nodemedic.remedy.controller;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import java.util.Optional;

/** Where a policy's status goes: its status subresource. */
public interface StatusStore {
    /** @return empty on success, else why it failed, classified as every API failure is (a later pass writes again) */
    Optional<ApiFailure> write(String policy, NodeRemedyPolicyStatus status);
}
