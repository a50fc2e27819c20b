package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.deploy.AdmissionPolicy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The detector bound to its own node (kustomize component {@code node-scoped-writes}, Helm
 * {@code detector.nodeScopedWrites}): the rendered ValidatingAdmissionPolicies, their CEL run over
 * admission requests shaped as the API server binds them ({@link AdmissionPolicy}), for every render —
 * kustomize and Helm, in kube-system and in a namespace of the operator's choice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeScopedWritesTest {
    private static final String NODE_CLAIM = "authentication.kubernetes.io/node-name";
    private static final String WRITES = "nodemedic-detector-node-writes";
    private static final String EVENTS = "nodemedic-detector-node-events";

    @TempDir
    static Path scratch;

    /** A render and the namespace its detector runs in. */
    record Install(Manifests rendered, String namespace) {
        String detector() {
            return "system:serviceaccount:" + namespace + ":nodemedic-detector";
        }

        AdmissionPolicy policy(String name) {
            return AdmissionPolicy.of(rendered.one("ValidatingAdmissionPolicy", name));
        }

        @Override
        public String toString() {
            return rendered + " (namespace " + namespace + ")";
        }
    }

    private Renders all;
    private final List<Install> installs = new ArrayList<>();

    @BeforeAll
    void render() throws Exception {
        all = Renders.fromBuild(scratch);
        installs.add(new Install(all.overlayWith("detector", List.of("node-scoped-writes")), "kube-system"));
        installs.add(new Install(kustomizeIn("node-health"), "node-health"));
        installs.add(new Install(all.helm("node-scoped-writes"), "kube-system"));
        installs.add(new Install(Manifests.parse("helm -n node-health -f node-scoped-writes",
                all.chart().template("node-health", List.of(all.tree().deploy().resolve("helm/examples/node-scoped-writes.yaml")), Map.of())),
                "node-health"));
    }

    /** As the component's comment says to: the namespace set in a kustomization below the component. */
    private Manifests kustomizeIn(String namespace) throws Exception {
        Path base = all.tree().kustomize();
        Path below = Files.createTempDirectory(scratch, "namespaced");
        Files.writeString(below.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "namespace: " + namespace + "\nresources:\n  - " + below.relativize(base.resolve("overlays/detector")) + "\n");
        Path above = Files.createTempDirectory(scratch, "scoped");
        Files.writeString(above.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "resources:\n  - " + above.relativize(below) + "\ncomponents:\n  - " + above.relativize(base.resolve("components/node-scoped-writes")) + "\n");
        return Manifests.parse("kustomize overlays/detector in namespace " + namespace + " + node-scoped-writes", Kustomize.fromBuild().build(above));
    }

    Stream<Install> installs() {
        return installs.stream();
    }

    // --- requests as the API server hands them to a policy ---

    private static Map<String, Object> request(String operation, String resource, String subResource, String name, String namespace,
                                               String user, List<String> nodeClaim) {
        Map<String, Object> userInfo = new LinkedHashMap<>();
        userInfo.put("username", user);
        userInfo.put("uid", "c0ffee");
        userInfo.put("groups", List.of("system:serviceaccounts", "system:authenticated"));
        if (nodeClaim != null) {
            // What a pod-bound token carries since Kubernetes 1.30 (ServiceAccountTokenPodNodeInfo).
            userInfo.put("extra", Map.of("authentication.kubernetes.io/pod-name", List.of("nodemedic-detector-x7k2p"),
                    "authentication.kubernetes.io/credential-id", List.of("JTI=5b1c"), NODE_CLAIM, nodeClaim));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("uid", "705ab4f5-6393-11e8-b7cc-42010a800002");
        request.put("kind", Map.of("group", "", "version", "v1", "kind", resource.equals("nodes") ? "Node" : "Event"));
        request.put("resource", Map.of("group", "", "version", "v1", "resource", resource));
        request.put("subResource", subResource);
        request.put("name", name);
        request.put("namespace", namespace);
        request.put("operation", operation);
        request.put("userInfo", userInfo);
        request.put("dryRun", false);
        return request;
    }

    private static Map<String, Object> statusPatch(String node, String user, List<String> nodeClaim) {
        return request("UPDATE", "nodes", "status", node, "", user, nodeClaim);
    }

    private static ObjectNode node(String name) {
        return (ObjectNode) Manifests.parseYaml("""
                apiVersion: v1
                kind: Node
                metadata:
                  name: %s
                  uid: 2f1e7c1a-5d7b-4a57-9a51-0f3c1f1d2a11
                  resourceVersion: "81234"
                  labels:
                    kubernetes.io/hostname: %s
                    topology.kubernetes.io/zone: europe-west1-b
                  annotations:
                    node.alpha.kubernetes.io/ttl: "0"
                spec:
                  podCIDR: 10.244.1.0/24
                  taints:
                    - key: dedicated
                      value: gpu
                      effect: NoSchedule
                status:
                  conditions:
                    - type: KernelDeadlock
                      status: "False"
                      reason: KernelHasNoDeadlock
                      message: kernel has no deadlock (nodemedic)
                      lastHeartbeatTime: "2026-12-07T05:00:00Z"
                      lastTransitionTime: "2026-12-01T00:00:00Z"
                """.formatted(name, name));
    }

    /** The node after the agent's strategic merge patch of one condition: status changes, resourceVersion moves. */
    private static ObjectNode afterConditionPatch(ObjectNode before) {
        ObjectNode after = before.deepCopy();
        ((ObjectNode) after.path("metadata")).put("resourceVersion", "81235");
        ObjectNode condition = (ObjectNode) after.at("/status/conditions/0");
        condition.put("status", "True").put("reason", "DockerHung").put("message", "task docker:1234 blocked for more than 120 seconds (nodemedic)")
                .put("lastTransitionTime", "2026-12-07T05:01:00Z").put("lastHeartbeatTime", "2026-12-07T05:01:00Z");
        return after;
    }

    private static Verdict review(AdmissionPolicy policy, Map<String, Object> request, JsonNode object, JsonNode oldObject) {
        return policy.review(request, object == null ? null : AdmissionPolicy.value(object), oldObject == null ? null : AdmissionPolicy.value(oldObject));
    }

    // --- node writes ---

    @ParameterizedTest
    @MethodSource("installs")
    void theDetectorWritesItsOwnNodesConditions(Install install) {
        ObjectNode nodeA = node("node-a");

        Verdict verdict = review(install.policy(WRITES), statusPatch("node-a", install.detector(), List.of("node-a")), afterConditionPatch(nodeA), nodeA);

        assertThat(verdict).as("%s", install).isEqualTo(new Verdict.Admitted());
    }

    @ParameterizedTest
    @MethodSource("installs")
    void theDetectorOnOneNodeMayNotWriteAnother(Install install) {
        ObjectNode nodeB = node("node-b");

        Verdict verdict = review(install.policy(WRITES), statusPatch("node-b", install.detector(), List.of("node-a")), afterConditionPatch(nodeB), nodeB);

        assertThat(verdict).as("%s", install)
                .isEqualTo(new Verdict.Denied("Forbidden", "nodemedic-detector on node node-a may write only its own Node, not node-b"));
    }

    @ParameterizedTest
    @MethodSource("installs")
    void aTokenThatNamesNoNodeWritesNoNode(Install install) {
        ObjectNode nodeA = node("node-a");
        AdmissionPolicy policy = install.policy(WRITES);

        for (List<String> claim : java.util.Arrays.asList(null, List.<String>of(), List.of("node-a", "node-b"))) {
            Verdict verdict = review(policy, statusPatch("node-a", install.detector(), claim), afterConditionPatch(nodeA), nodeA);

            assertThat(verdict).as("%s, claim %s", install, claim).isInstanceOfSatisfying(Verdict.Denied.class, denied ->
                    assertThat(denied.message()).startsWith("nodemedic-detector's token names no node (claim authentication.kubernetes.io/node-name)")
                            .contains("Kubernetes 1.30 or later"));
        }
    }

    @ParameterizedTest
    @MethodSource("installs")
    void theDetectorMayNotChangeItsOwnNodesMarksLabelsOrSpec(Install install) {
        ObjectNode before = node("node-a");
        AdmissionPolicy policy = install.policy(WRITES);
        Map<String, Object> ownStatus = statusPatch("node-a", install.detector(), List.of("node-a"));

        // A nodes/status write keeps the spec but not the metadata: a forged remedy mark would ride on it.
        ObjectNode forgedMark = afterConditionPatch(before);
        ((ObjectNode) forgedMark.at("/metadata/annotations")).put("remedy.nodemedic.dev/cordoned", "true");
        assertThat(review(policy, ownStatus, forgedMark, before)).as("%s annotation", install).isInstanceOfSatisfying(Verdict.Denied.class,
                denied -> assertThat(denied.message()).startsWith("nodemedic-detector may not change a Node's annotations"));

        ObjectNode removedAnnotations = afterConditionPatch(before);
        ((ObjectNode) removedAnnotations.path("metadata")).remove("annotations");
        assertThat(review(policy, ownStatus, removedAnnotations, before)).as("%s annotations removed", install).isInstanceOf(Verdict.Denied.class);

        ObjectNode excluded = afterConditionPatch(before);
        ((ObjectNode) excluded.at("/metadata/labels")).put("remedy.nodemedic.dev/exclude", "true");
        assertThat(review(policy, ownStatus, excluded, before)).as("%s label", install).isInstanceOfSatisfying(Verdict.Denied.class,
                denied -> assertThat(denied.message()).startsWith("nodemedic-detector may not change a Node's labels"));

        ObjectNode otherZone = afterConditionPatch(before);
        ((ObjectNode) otherZone.at("/metadata/labels")).put("topology.kubernetes.io/zone", "europe-west1-c");
        assertThat(review(policy, ownStatus, otherZone, before)).as("%s zone", install).isInstanceOf(Verdict.Denied.class);

        // Through nodes itself (NPD's role or a wider one than ours): spec.taints and spec.unschedulable.
        ObjectNode untainted = before.deepCopy();
        ((ObjectNode) untainted.path("spec")).remove("taints");
        ((ObjectNode) untainted.path("spec")).put("unschedulable", false);
        assertThat(review(policy, request("UPDATE", "nodes", "", "node-a", "", install.detector(), List.of("node-a")), untainted, before))
                .as("%s spec", install).isInstanceOfSatisfying(Verdict.Denied.class,
                        denied -> assertThat(denied.message()).startsWith("nodemedic-detector may not change a Node's spec"));
    }

    @ParameterizedTest
    @MethodSource("installs")
    void otherWritersAreNotMatched(Install install) {
        ObjectNode nodeB = node("node-b");
        ObjectNode marked = afterConditionPatch(nodeB);
        ((ObjectNode) marked.at("/metadata/annotations")).put("remedy.nodemedic.dev/cordoned", "true");
        AdmissionPolicy policy = install.policy(WRITES);

        for (String user : List.of("system:node:node-b", "system:serviceaccount:" + install.namespace() + ":nodemedic-remedy",
                "system:serviceaccount:kube-system:node-problem-detector", "system:serviceaccount:elsewhere:nodemedic-detector", "kubernetes-admin")) {
            Verdict verdict = review(policy, statusPatch("node-b", user, List.of("node-a")), marked, nodeB);

            assertThat(verdict).as("%s, user %s", install, user).isInstanceOf(Verdict.NotMatched.class);
        }
        // Reads and deletes are RBAC's: the policy sees writes of Nodes only.
        assertThat(review(policy, request("DELETE", "nodes", "", "node-b", "", install.detector(), List.of("node-a")), null, nodeB))
                .isInstanceOf(Verdict.NotMatched.class);
    }

    // --- events ---

    private static JsonNode event(String kind, String name) {
        return Manifests.parseYaml("""
                apiVersion: v1
                kind: Event
                metadata:
                  name: node-a.187f2c3b8a1e4d2f
                  namespace: default
                involvedObject:
                  kind: %s
                  name: %s
                  uid: %s
                reason: OOMKilling
                message: "Killed process 4242 (java) total-vm:8GB"
                source:
                  component: kernel-log
                  host: node-a
                count: 1
                type: Warning
                """.formatted(kind, name, name));
    }

    @ParameterizedTest
    @MethodSource("installs")
    void theDetectorPutsEventsOnItsOwnNodeOnly(Install install) {
        AdmissionPolicy policy = install.policy(EVENTS);
        Map<String, Object> create = request("CREATE", "events", "", "node-a.187f2c3b8a1e4d2f", "default", install.detector(), List.of("node-a"));

        assertThat(review(policy, create, event("Node", "node-a"), null)).as("%s own", install).isEqualTo(new Verdict.Admitted());
        assertThat(review(policy, request("UPDATE", "events", "", "node-a.187f2c3b8a1e4d2f", "default", install.detector(), List.of("node-a")),
                event("Node", "node-a"), event("Node", "node-a"))).as("%s count patch", install).isEqualTo(new Verdict.Admitted());
        assertThat(review(policy, create, event("Node", "node-b"), null)).as("%s other node", install)
                .isEqualTo(new Verdict.Denied("Forbidden", "nodemedic-detector on node node-a may write Events only about its own Node, not about Node node-b"));
        assertThat(review(policy, create, event("Pod", "node-a"), null)).as("%s a pod", install).isInstanceOf(Verdict.Denied.class);
        assertThat(review(policy, request("CREATE", "events", "", "x", "default", install.detector(), null), event("Node", "node-a"), null))
                .as("%s no claim", install).isInstanceOf(Verdict.Denied.class);
        assertThat(review(policy, request("CREATE", "events", "", "x", "default", "system:node:node-b", null), event("Node", "node-a"), null))
                .as("%s kubelet", install).isInstanceOf(Verdict.NotMatched.class);
    }

    // --- the objects ---

    @ParameterizedTest
    @MethodSource("installs")
    void eachPolicyIsBoundToDenyAndFailsClosed(Install install) {
        for (String name : List.of(WRITES, EVENTS)) {
            JsonNode policy = install.rendered().one("ValidatingAdmissionPolicy", name);
            JsonNode binding = install.rendered().one("ValidatingAdmissionPolicyBinding", name);

            assertThat(policy.path("apiVersion").asString()).isEqualTo("admissionregistration.k8s.io/v1");
            assertThat(policy.at("/spec/failurePolicy").asString()).isEqualTo("Fail");
            assertThat(policy.at("/spec/paramKind").isMissingNode()).isTrue();
            assertThat(binding.at("/spec/policyName").asString()).isEqualTo(name);
            assertThat(binding.at("/spec/validationActions").values()).extracting(JsonNode::asString).containsExactly("Deny");
            assertThat(binding.at("/spec/paramRef").isMissingNode()).isTrue();
            // The policy names the account by its user name, in the namespace the detector really runs in.
            assertThat(policy.at("/spec/matchConditions/0/expression").asString())
                    .isEqualTo("request.userInfo.username == '" + install.detector() + "'");
            assertThat(install.rendered().one("ServiceAccount", "nodemedic-detector").at("/metadata/namespace").asString()).isEqualTo(install.namespace());
        }
    }

    @Test
    void kustomizeAndHelmRenderTheSamePolicies() {
        for (String kind : List.of("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")) {
            for (String name : List.of(WRITES, EVENTS)) {
                for (int i = 0; i < 2; i++) {
                    Install kustomize = installs.get(i);
                    Install helm = installs.get(i + 2);
                    assertThat(helm.rendered().one(kind, name).path("spec")).as("%s %s in %s", kind, name, kustomize.namespace())
                            .isEqualTo(kustomize.rendered().one(kind, name).path("spec"));
                }
            }
        }
    }

    @Test
    void offByDefault() throws Exception {
        for (Manifests rendered : List.of(all.overlay("detector"), all.overlay("all"), all.defaultKustomization(), all.helm(), all.helm("remedy"))) {
            assertThat(rendered.ofKind("ValidatingAdmissionPolicy")).as("%s", rendered).isEmpty();
            assertThat(rendered.ofKind("ValidatingAdmissionPolicyBinding")).as("%s", rendered).isEmpty();
        }
    }
}
