package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * Replaces the status of a policy through the status subresource: the controller owns the whole
 * status, and the status subresource never touches the spec a person edits.
 */
public final class PolicyStatusStore implements StatusStore {
    private final KubernetesClient client;

    public PolicyStatusStore(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> write(String policy, NodeRemedyPolicyStatus status) {
        try {
            NodeRemedyPolicy written = client.resources(NodeRemedyPolicy.class).withName(policy).editStatus(current -> {
                current.setStatus(status);
                return current;
            });
            return written == null ? Optional.of("policy " + policy + " is gone") : Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of("status of noderemedypolicy/" + policy + " not written: HTTP " + e.getCode() + " (" + e.getMessage() + ")");
        }
    }
}
