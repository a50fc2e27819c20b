package dev.nodemedic.remedy.engine;

import java.util.Map;
import java.util.Objects;

/**
 * Which nodes a policy covers: its {@code nodeSelector} minus nodes carrying the exclude label,
 * whatever its value.
 */
public record NodeSelection(LabelSelection labels, String excludeLabel) {
    public NodeSelection {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(excludeLabel, "excludeLabel");
    }

    public boolean selects(Map<String, String> nodeLabels) {
        return !nodeLabels.containsKey(excludeLabel) && labels.selects(nodeLabels);
    }
}
