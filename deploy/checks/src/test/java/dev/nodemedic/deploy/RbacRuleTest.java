package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The RBAC check sees a grant beyond the exact set, and refuses what it cannot spell out. */
class RbacRuleTest {
    private static final String BINDING = """
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: nodemedic-detector}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nodemedic-detector}
            subjects: [{kind: ServiceAccount, name: nodemedic-detector, namespace: kube-system}]
            """;

    @Test
    void anExtraVerbOrResourceShowsUpInThePermissions() {
        Manifests rendered = Manifests.parse("test", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: nodemedic-detector}
                rules:
                  - apiGroups: [""]
                    resources: [nodes, nodes/status]
                    verbs: [get, patch]
                  - apiGroups: [""]
                    resources: [nodes]
                    verbs: [watch]
                  - apiGroups: ["", events.k8s.io]
                    resources: [events]
                    verbs: [create, patch]
                """ + BINDING);

        var granted = RbacTest.permissionsOf(rendered, "kube-system", "nodemedic-detector");

        // The two extra grants a combined rule slips in are there, so the exact-set check fails on them.
        assertThat(granted).containsAll(RbacTest.DETECTOR).contains(new RbacRule("", "nodes", "patch"), new RbacRule("", "nodes/status", "get"))
                .hasSize(RbacTest.DETECTOR.size() + 2);
    }

    @Test
    void aWildcardIsAGrantOfItsOwn() {
        Manifests rendered = Manifests.parse("test", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: nodemedic-detector}
                rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
                """ + BINDING);

        assertThat(RbacTest.permissionsOf(rendered, "kube-system", "nodemedic-detector")).containsExactly(new RbacRule("*", "*", "*"));
    }

    @Test
    void nonResourceUrlsAndAggregationAreRefused() {
        Manifests urls = Manifests.parse("test", """
                kind: ClusterRole
                metadata: {name: r}
                rules: [{nonResourceURLs: [/metrics], verbs: [get]}]
                """);
        Manifests aggregated = Manifests.parse("test", """
                kind: ClusterRole
                metadata: {name: r}
                aggregationRule: {clusterRoleSelectors: [{matchLabels: {a: b}}]}
                """);

        assertThatThrownBy(() -> RbacRule.expand(urls.one("ClusterRole", "r"))).hasMessageContaining("nonResourceURLs");
        assertThatThrownBy(() -> RbacRule.expand(aggregated.one("ClusterRole", "r"))).hasMessageContaining("aggregates");
    }
}
