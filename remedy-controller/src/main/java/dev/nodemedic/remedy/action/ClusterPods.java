package dev.nodemedic.remedy.action;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pods and PodDisruptionBudgets a drain reads, from informers: a drain round costs no list call,
 * however many nodes are being drained. Pods are indexed by {@code spec.nodeName}, budgets by namespace.
 */
public final class ClusterPods implements AutoCloseable {
    private static final String BY_NODE = "nodeName";

    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<PodDisruptionBudget> budgets;

    private ClusterPods(SharedIndexInformer<Pod> pods, SharedIndexInformer<PodDisruptionBudget> budgets) {
        this.pods = pods;
        this.budgets = budgets;
    }

    /** Starts both informers; they sync in the background ({@link #synced()}). */
    public static ClusterPods start(KubernetesClient client) {
        Objects.requireNonNull(client, "client");
        SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().runnableInformer(0);
        pods.addIndexers(Map.of(BY_NODE, pod -> pod.getSpec() == null || pod.getSpec().getNodeName() == null
                ? List.of()
                : List.of(pod.getSpec().getNodeName())));
        SharedIndexInformer<PodDisruptionBudget> budgets = client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0);
        pods.start();
        budgets.start();
        return new ClusterPods(pods, budgets);
    }

    /** The pods bound to {@code node}, as the informer last saw them. */
    public List<Pod> onNode(String node) {
        return pods.getIndexer().byIndex(BY_NODE, node);
    }

    /** The budgets in {@code namespace}. */
    public List<PodDisruptionBudget> budgetsIn(String namespace) {
        return budgets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    /** {@code namespace/name}, as Events and status name a budget. */
    static String name(PodDisruptionBudget budget) {
        return budget.getMetadata().getNamespace() + "/" + budget.getMetadata().getName();
    }

    /** Both informers have listed once. */
    public boolean synced() {
        return pods.hasSynced() && budgets.hasSynced();
    }

    /** Both informers hold a watch: false while one is re-listing after losing the API server. */
    public boolean watching() {
        return pods.isWatching() && budgets.isWatching();
    }

    @Override
    public void close() {
        pods.close();
        budgets.close();
    }
}
