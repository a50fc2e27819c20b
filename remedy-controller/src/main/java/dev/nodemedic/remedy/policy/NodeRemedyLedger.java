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
 * What the remedy controller did to one node, named as the node, written by the controller alone.
 * Cluster-scoped like the Node, and a kind of its own rather than an annotation on the Node or a
 * ConfigMap: a node's agent may write its Node's metadata (a nodes/status write keeps the spec but
 * not the metadata), so a ledger there could be forged by the node it describes — a {@code needsHuman}
 * holding a {@code maxInFlight} slot for ever, an attempt time in the future holding {@code minInterval}
 * — and ConfigMaps in the controller's namespace would have needed write access to every ConfigMap
 * there. Only the controller's ClusterRole grants writes of this kind.
 */
@Group(NodeRemedyPolicy.GROUP)
@Version(NodeRemedyPolicy.VERSION)
@Kind("NodeRemedyLedger")
@Singular("noderemedyledger")
@Plural("noderemedyledgers")
@ShortNames("nrl")
@AdditionalPrinterColumn(name = "Policy", jsonPath = ".spec.policy", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Step", jsonPath = ".spec.attempt.step", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "NeedsHuman", jsonPath = ".spec.needsHuman", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class NodeRemedyLedger extends CustomResource<NodeRemedyLedgerSpec, Void> {
}
