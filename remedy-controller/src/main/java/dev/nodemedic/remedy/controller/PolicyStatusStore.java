package dev.nodemedic.remedy.controller;

import dev.nodemedic.apiserver.ApiFailure;
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
    public Optional<ApiFailure> write(String policy, NodeRemedyPolicyStatus status) {
        try {
            NodeRemedyPolicy written = client.resources(NodeRemedyPolicy.class).withName(policy).editStatus(current -> {
                current.setStatus(status);
                return current;
            });
            return written == null
                    ? Optional.of(new ApiFailure(ApiFailure.Kind.NOT_FOUND, 404, "noderemedypolicies.remedy.nodemedic.dev \"" + policy + "\" not found"))
                    : Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of(ApiFailure.of(e));
        }
    }
}
