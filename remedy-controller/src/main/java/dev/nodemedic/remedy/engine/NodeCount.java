package dev.nodemedic.remedy.engine;

/**
 * A count of nodes written as a number or as a percentage of the policy's eligible nodes. A
 * percentage rounds up, as a PodDisruptionBudget's maxUnavailable does, so "20%" of 3 nodes is 1.
 */
public record NodeCount(int value, boolean percent) {
    public NodeCount {
        if (value < 0 || (percent && value > 100)) {
            throw new IllegalArgumentException("node count " + value + (percent ? "%" : "") + " is out of range");
        }
    }

    public int of(int eligibleNodes) {
        return percent ? (int) Math.ceil(eligibleNodes * value / 100.0) : value;
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
