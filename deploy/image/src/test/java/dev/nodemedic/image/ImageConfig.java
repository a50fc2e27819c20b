package dev.nodemedic.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** The parts of an OCI image config (image-spec config.md) a container runtime starts the image with. */
record ImageConfig(String architecture, String os, List<String> entrypoint, List<String> cmd, String user, String workingDir,
                   Map<String, String> env, Set<String> exposedPorts, Map<String, String> labels) {

    static ImageConfig of(JsonNode json) {
        JsonNode config = json.path("config");
        Map<String, String> env = new LinkedHashMap<>();
        for (String variable : strings(config.path("Env"))) {
            int equals = variable.indexOf('=');
            env.put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asString()));
        return new ImageConfig(json.path("architecture").asString(), json.path("os").asString(), strings(config.path("Entrypoint")),
                strings(config.path("Cmd")), config.path("User").asString(), config.path("WorkingDir").asString(), Map.copyOf(env),
                new TreeSet<>(config.path("ExposedPorts").propertyNames()), Map.copyOf(labels));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.values().forEach(value -> values.add(value.asString()));
        return List.copyOf(values);
    }

    /** The environment as {@code env -i} takes it: NAME=value words. */
    List<String> envWords() {
        return env.entrySet().stream().map(variable -> variable.getKey() + "=" + variable.getValue()).sorted().toList();
    }
}
