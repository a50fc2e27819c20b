package dev.nodemedic.remedy.policy;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Which nodes the remedy controller may act on, when, how, and within which budgets. Cluster-scoped
 * (it does not implement {@code Namespaced}): nodes are. The CRD YAML is generated from this type by
 * the build; {@code kubectl get noderemedypolicies} shows the printer columns below.
 */
@Group(NodeRemedyPolicy.GROUP)
@Version(NodeRemedyPolicy.VERSION)
@Kind("NodeRemedyPolicy")
@Singular("noderemedypolicy")
@Plural("noderemedypolicies")
@ShortNames("nrp")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.eligibleNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Unhealthy", jsonPath = ".status.unhealthyNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Acting", jsonPath = ".status.inFlightNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Blocked", jsonPath = ".status.blockedNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "DryRun", jsonPath = ".spec.dryRun", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class NodeRemedyPolicy extends CustomResource<NodeRemedyPolicySpec, NodeRemedyPolicyStatus> {
    public static final String GROUP = "remedy.nodemedic.dev";
    public static final String VERSION = "v1alpha1";
}
