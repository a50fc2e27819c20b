package dev.nodemedic.remedy.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which nodes a policy covers: a label selector (Kubernetes' semantics: every requirement must hold;
 * no requirement selects every node) minus nodes carrying the exclude label, whatever its value.
 */
public record NodeSelection(List<Requirement> requirements, String excludeLabel) {
    public NodeSelection {
        requirements = List.copyOf(requirements);
        Objects.requireNonNull(excludeLabel, "excludeLabel");
    }

    public enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    public record Requirement(String key, Operator operator, Set<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = Set.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case IN -> value != null && values.contains(value);
                case NOT_IN -> value == null || !values.contains(value);
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
            };
        }
    }

    public boolean selects(Map<String, String> labels) {
        if (labels.containsKey(excludeLabel)) {
            return false;
        }
        for (Requirement requirement : requirements) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
