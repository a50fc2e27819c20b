package dev.nodemedic.remedy.controller;

import java.util.OptionalInt;

/**
 * The controller-wide switches from the command line.
 *
 * @param paused      {@code --paused}: every policy holds, undo included
 * @param maxInFlight the cluster-wide limit on nodes carrying a remedy, across all policies; empty: none
 *                    beyond each policy's own
 */
public record ControllerSettings(boolean paused, OptionalInt maxInFlight) {
    public static final ControllerSettings DEFAULT = new ControllerSettings(false, OptionalInt.empty());
}
