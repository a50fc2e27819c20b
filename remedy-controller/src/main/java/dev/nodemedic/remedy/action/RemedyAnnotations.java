package dev.nodemedic.remedy.action;

/**
 * The marks the controller leaves on a Node for what it applied. The node is the only record that
 * outlives a leader, so a new leader undoes exactly what the old one did; and a person reading
 * {@code kubectl describe node} sees who tainted or cordoned it and can take a mark off by hand.
 */
public final class RemedyAnnotations {
    public static final String PREFIX = "remedy.nodemedic.dev/";
    /** The policy whose actions are on the node; another policy does not touch them. */
    public static final String POLICY = PREFIX + "policy";
    /** {@code "true"} when we cordoned the node; absent on a node someone else cordoned. */
    public static final String CORDONED = PREFIX + "cordoned";
    /** The taints we added, as {@code kubectl taint} writes them ({@code key=value:Effect}), comma-separated. */
    public static final String TAINTS = PREFIX + "taints";
    /**
     * When a reboot was asked for (RFC 3339). The reboot itself belongs to kured or an operator's hook,
     * e.g. kured's {@code --reboot-sentinel-command} testing for this annotation.
     */
    public static final String REBOOT_REQUESTED = PREFIX + "reboot-requested";

    private RemedyAnnotations() {
    }
}
