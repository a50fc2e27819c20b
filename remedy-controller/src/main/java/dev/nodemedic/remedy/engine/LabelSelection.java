package dev.nodemedic.remedy.engine;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A label selector read once and applied as the API server applies it: every {@code matchLabels} entry
 * and every {@code matchExpressions} requirement must hold, so a selector with neither selects everything.
 * A policy's {@code nodeSelector} and a PodDisruptionBudget's {@code selector} both read through here.
 */
public record LabelSelection(List<Requirement> requirements) {
    public LabelSelection {
        requirements = List.copyOf(requirements);
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

    /** @param labels an object's labels; {@code null} (the API's "none") is read as none */
    public boolean selects(Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(requirement -> requirement.matches(have));
    }

    /**
     * Reads a selector the way the API server validates one.
     *
     * @param invalid makes the caller's exception from the field at fault (relative to the selector, e.g.
     *                {@code matchExpressions[0].operator}) and what is wrong with it, so the message can
     *                say where the selector came from
     */
    public static LabelSelection of(LabelSelector selector, BiFunction<String, String, RuntimeException> invalid) {
        List<Requirement> requirements = new ArrayList<>();
        Map<String, String> labels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        labels.forEach((key, value) -> requirements.add(new Requirement(key, Operator.IN, Set.of(value))));
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        for (int i = 0; i < expressions.size(); i++) {
            LabelSelectorRequirement expression = expressions.get(i);
            String field = "matchExpressions[" + i + "]";
            if (expression.getKey() == null || expression.getKey().isBlank()) {
                throw invalid.apply(field + ".key", "is missing");
            }
            Operator operator = switch (String.valueOf(expression.getOperator())) {
                case "In" -> Operator.IN;
                case "NotIn" -> Operator.NOT_IN;
                case "Exists" -> Operator.EXISTS;
                case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                default -> throw invalid.apply(field + ".operator",
                        "\"" + expression.getOperator() + "\" is not one of In, NotIn, Exists, DoesNotExist");
            };
            List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
            boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
            if (needsValues == values.isEmpty()) {
                throw invalid.apply(field + ".values", needsValues ? "must not be empty for " + expression.getOperator()
                        : "must be empty for " + expression.getOperator());
            }
            requirements.add(new Requirement(expression.getKey(), operator, Set.copyOf(values)));
        }
        return new LabelSelection(requirements);
    }
}
