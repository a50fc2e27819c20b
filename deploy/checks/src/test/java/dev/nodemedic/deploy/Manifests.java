package dev.nodemedic.deploy;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The objects of one render (kustomize or Helm), as YAML trees: what {@code kubectl apply} would send.
 *
 * @param source which render, for messages
 */
record Manifests(String source, List<JsonNode> objects) {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Manifests parse(String source, String yaml) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            // Empty documents (a template that renders nothing) are nulls or missing nodes.
            List<JsonNode> objects = documents.readAll().stream().filter(Objects::nonNull).filter(n -> n.isObject() && n.has("kind")).toList();
            return new Manifests(source, objects);
        }
    }

    static JsonNode parseYaml(String yaml) {
        return YAML.readTree(yaml);
    }

    Stream<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> o.path("kind").asString().equals(kind));
    }

    JsonNode one(String kind, String name) {
        List<JsonNode> found = ofKind(kind).filter(o -> o.at("/metadata/name").asString().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(source + ": expected one " + kind + " " + name + ", found " + found.size());
        }
        return found.getFirst();
    }

    /** A generated ConfigMap's name carries a content hash in kustomize: find it by its prefix. */
    JsonNode configMap(String name) {
        List<JsonNode> found = ofKind("ConfigMap").filter(o -> o.at("/metadata/name").asString().matches(Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(source + ": expected one ConfigMap " + name + ", found " + found.size());
        }
        return found.getFirst();
    }

    @Override
    public String toString() {
        return source;
    }
}
