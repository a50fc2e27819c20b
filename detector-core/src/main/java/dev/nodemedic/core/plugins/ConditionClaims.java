package dev.nodemedic.core.plugins;

import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which daemon instances claim which condition types, over every instance the agent would start.
 * One type has one owner (DESIGN: two daemons claiming one type is a configuration error); the
 * agent refuses whichever instance declares it second, in the order the plugins happen to load, so
 * {@code check-config} names every such pair beforehand, both of them.
 */
public final class ConditionClaims {
    private final Map<String, List<DaemonSpec>> claimants;

    private ConditionClaims(Map<String, List<DaemonSpec>> claimants) {
        this.claimants = claimants;
    }

    public static ConditionClaims of(List<DaemonSpec> instances) {
        Map<String, List<DaemonSpec>> claimants = new LinkedHashMap<>();
        for (DaemonSpec instance : instances) {
            for (ConditionDeclaration condition : instance.conditions()) {
                claimants.computeIfAbsent(condition.type(), type -> new ArrayList<>()).add(instance);
            }
        }
        return new ConditionClaims(claimants);
    }

    /** Every condition type claimed more than once, with its claimants: the first pair of each, then each further one against the first. */
    public List<Conflict> conflicts() {
        List<Conflict> conflicts = new ArrayList<>();
        claimants.forEach((type, owners) -> {
            for (int i = 1; i < owners.size(); i++) {
                conflicts.add(new Conflict(type, owners.getFirst(), owners.get(i)));
            }
        });
        return List.copyOf(conflicts);
    }

    /** Two instances that both declare {@code type}; the agent would start only one of them. */
    public record Conflict(String type, DaemonSpec first, DaemonSpec second) {
        @Override
        public String toString() {
            return "condition type " + type + " is claimed twice: by daemon instance " + describe(first) + " and by daemon instance "
                    + describe(second) + "; the agent would refuse whichever starts second. Keep one: disable the other in the agent config's"
                    + " daemons list (enabled: false), or drop its file";
        }

        private static String describe(DaemonSpec instance) {
            return instance.instanceName() + " (" + instance.daemonName() + ", " + instance.configFile().map(Path::toString).orElse("its defaults") + ")";
        }
    }
}
