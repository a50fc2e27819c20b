package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Least privilege, read from what would be applied: the permissions bound to each component's
 * service account are exactly the ones it uses, in every render. One verb or resource more fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbacTest {
    /** reporter/README.md: read and watch its Node, SMP the Node's status, create Events and patch a repeat's count. */
    static final Set<RbacRule> DETECTOR = Set.of(
            new RbacRule("", "nodes", "get"),
            new RbacRule("", "nodes", "watch"),
            new RbacRule("", "nodes/status", "patch"),
            new RbacRule("", "events", "create"),
            new RbacRule("", "events", "patch"),
            new RbacRule("events.k8s.io", "events", "create"),
            new RbacRule("events.k8s.io", "events", "patch"));

    /**
     * remedy-controller/README.md: nodes (informer, and patch for taint, cordon and its marks), the
     * NeedsHuman condition on nodes/status, pods (informer) and their eviction for drain, the
     * PodDisruptionBudgets that block an eviction, Events, its
     * policies and their status, its ledgers (which no node may write); and in its own namespace, the
     * leader election Lease.
     */
    static final Set<RbacRule> REMEDY = Set.of(
            new RbacRule("", "nodes", "get"),
            new RbacRule("", "nodes", "list"),
            new RbacRule("", "nodes", "watch"),
            new RbacRule("", "nodes", "patch"),
            new RbacRule("", "nodes/status", "patch"),
            new RbacRule("", "pods", "list"),
            new RbacRule("", "pods", "watch"),
            new RbacRule("", "pods/eviction", "create"),
            new RbacRule("policy", "poddisruptionbudgets", "list"),
            new RbacRule("policy", "poddisruptionbudgets", "watch"),
            new RbacRule("", "events", "create"),
            new RbacRule("", "events", "patch"),
            new RbacRule("remedy.nodemedic.dev", "noderemedypolicies", "get"),
            new RbacRule("remedy.nodemedic.dev", "noderemedypolicies", "list"),
            new RbacRule("remedy.nodemedic.dev", "noderemedypolicies", "watch"),
            new RbacRule("remedy.nodemedic.dev", "noderemedypolicies/status", "patch"),
            new RbacRule("remedy.nodemedic.dev", "noderemedyledgers", "list"),
            new RbacRule("remedy.nodemedic.dev", "noderemedyledgers", "watch"),
            new RbacRule("remedy.nodemedic.dev", "noderemedyledgers", "create"),
            new RbacRule("remedy.nodemedic.dev", "noderemedyledgers", "patch"),
            new RbacRule("remedy.nodemedic.dev", "noderemedyledgers", "delete"),
            new RbacRule("coordination.k8s.io", "leases", "get"),
            new RbacRule("coordination.k8s.io", "leases", "create"),
            new RbacRule("coordination.k8s.io", "leases", "patch"));

    @TempDir
    static Path scratch;

    private List<Manifests> renders;
    private List<Manifests> remedyRenders;

    @BeforeAll
    void render() throws Exception {
        Renders all = Renders.fromBuild(scratch);
        renders = all.withDetector();
        remedyRenders = all.withRemedy();
    }

    Stream<Manifests> remedyRenders() {
        return remedyRenders.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void theRemedyServiceAccountHoldsExactlyWhatItsActionsNeed(Manifests rendered) {
        JsonNode deployment = rendered.one("Deployment", "nodemedic-remedy");
        String account = deployment.at("/spec/template/spec/serviceAccountName").asString();
        String namespace = deployment.at("/metadata/namespace").asString();

        assertThat(permissionsOf(rendered, namespace, account)).as("permissions bound to %s/%s in %s", namespace, account, rendered)
                .containsExactlyInAnyOrderElementsOf(REMEDY);
        // The Lease is the only namespaced grant, and only in the controller's own namespace.
        rendered.ofKind("Role").forEach(role -> assertThat(role.at("/metadata/namespace").asString()).isEqualTo(namespace));
        assertThat(rendered.ofKind("Role").flatMap(role -> RbacRule.expand(role).stream())).allMatch(r -> r.apiGroup().equals("coordination.k8s.io"));
    }

    Stream<Manifests> detectorRenders() {
        return renders.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void theDetectorsServiceAccountHoldsExactlyWhatTheReporterUses(Manifests rendered) {
        JsonNode daemonSet = rendered.one("DaemonSet", "nodemedic-detector");
        String account = daemonSet.at("/spec/template/spec/serviceAccountName").asString();
        String namespace = daemonSet.at("/metadata/namespace").asString();

        assertThat(rendered.one("ServiceAccount", account)).isNotNull();
        assertThat(permissionsOf(rendered, namespace, account)).as("permissions bound to %s/%s in %s", namespace, account, rendered)
                .containsExactlyInAnyOrderElementsOf(DETECTOR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void theServiceAccountTokenIsTheOnlyCredentialThePodGets(Manifests rendered) {
        JsonNode pod = rendered.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");

        assertThat(pod.path("volumes").values()).as("no Secret or projected token mounted beside the service account's")
                .noneMatch(v -> v.has("secret") || v.has("projected"));
    }

    /** Every (group, resource, verb) granted to the account through any binding in the render. */
    static List<RbacRule> permissionsOf(Manifests rendered, String namespace, String account) {
        List<RbacRule> granted = new ArrayList<>();
        Stream.concat(rendered.ofKind("ClusterRoleBinding"), rendered.ofKind("RoleBinding"))
                .filter(binding -> binding.path("subjects").values().stream().anyMatch(s -> s.path("kind").asString().equals("ServiceAccount")
                        && s.path("name").asString().equals(account) && s.path("namespace").asString(namespace).equals(namespace)))
                .forEach(binding -> {
                    String kind = binding.at("/roleRef/kind").asString();
                    JsonNode role = rendered.one(kind, binding.at("/roleRef/name").asString());
                    granted.addAll(RbacRule.expand(role));
                });
        return granted;
    }
}
