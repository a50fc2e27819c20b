package dev.nodemedic.remedy.engine;

import java.util.OptionalInt;

/**
 * The controller-wide view a single policy cannot see: the global pause switch, and the cluster-wide
 * in-flight budget with how many nodes (under any policy) carry our marks now.
 */
public record Fleet(boolean paused, OptionalInt maxInFlight, int inFlight) {
    public static Fleet unlimited(boolean paused, int inFlight) {
        return new Fleet(paused, OptionalInt.empty(), inFlight);
    }
}
