package dev.nodemedic.remedy.action;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Whether a {@link LabelSelector} selects a set of labels, as the API server decides it: every
 * {@code matchLabels} entry and every {@code matchExpressions} requirement must hold; an empty selector
 * selects everything. A {@code null} selector selects nothing (policy/v1 PodDisruptionBudget's rule).
 */
final class LabelSelectorMatch {
    private LabelSelectorMatch() {
    }

    /**
     * @throws IllegalArgumentException naming the operator, for one the API does not have
     */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> wanted : selector.getMatchLabels().entrySet()) {
                if (!wanted.getValue().equals(have.get(wanted.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                if (!holds(requirement, have)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("label selector operator \"" + requirement.getOperator() + "\" for key "
                    + requirement.getKey() + " is not one of In, NotIn, Exists, DoesNotExist");
        };
    }
}
