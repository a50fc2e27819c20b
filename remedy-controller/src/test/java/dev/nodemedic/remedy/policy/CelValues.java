package dev.nodemedic.remedy.policy;

import dev.cel.common.values.NullValue;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The value a CEL rule sees for a piece of an object, made as k8s.io/apiserver's
 * {@code UnstructuredToVal} makes it: lazily. An object or a list is converted only when a rule reaches
 * into it ({@code self.x}, {@code has(self.x)}, an index, a macro), and a value its schema gives no CEL
 * type fails then, with the API server's words, not before. The failure the API server reports for a
 * policy with {@code cordon: {}} when {@code cordon}'s schema is an object with neither properties,
 * additionalProperties nor x-kubernetes-preserve-unknown-fields is exactly this.
 */
final class CelValues {
    /** A value its schema cannot give to CEL; the message is the API server's. */
    static final class Unconvertible extends RuntimeException {
        Unconvertible(String message) {
            super(message);
        }
    }

    /** {@code value} under {@code schema} as CEL sees it: Long, Double, String, Boolean, a Map for objects, a List for arrays. */
    static Object of(JsonNode value, JSONSchemaProps schema) {
        if (value.isNull()) {
            if (Boolean.TRUE.equals(schema.getNullable())) {
                return NullValue.NULL_VALUE;
            }
            throw new Unconvertible("invalid data, got null for schema with nullable=false");
        }
        if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
            if (value.isIntegralNumber()) {
                return value.asLong();
            }
            if (value.isString()) {
                return value.asString();
            }
            throw new Unconvertible("invalid data, expected XIntOrString value to be either a string or integer");
        }
        boolean preserved = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
        String type = schema.getType() == null ? "" : schema.getType();
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    throw new Unconvertible("invalid data, expected a map for the provided schema with type=object");
                }
                JSONSchemaProps node = CelSchemaTypes.embedded(schema) ? CelSchemaTypes.withTypeAndObjectMeta(schema) : schema;
                if (!CelSchemaTypes.properties(node).isEmpty()) {
                    return new ObjectValue(value, CelSchemaTypes.properties(node), null);
                }
                if (node.getAdditionalProperties() != null && node.getAdditionalProperties().getSchema() != null) {
                    return new ObjectValue(value, Map.of(), node.getAdditionalProperties().getSchema());
                }
                if (preserved) {
                    // An object that only preserves unknown fields is an empty object to a rule.
                    return new ObjectValue(value, Map.of(), null);
                }
                throw new Unconvertible("invalid object type, expected either Properties or AdditionalProperties with Allows=true and non-empty Schema");
            }
            case "array" -> {
                if (!value.isArray()) {
                    throw new Unconvertible("invalid data, expected an array for the provided schema with type=array");
                }
                if (schema.getItems() == null || schema.getItems().getSchema() == null) {
                    throw new Unconvertible("invalid array type, expected Items with a non-empty Schema");
                }
                return new ListValue(value, schema.getItems().getSchema());
            }
            case "string" -> {
                if (!value.isString()) {
                    throw new Unconvertible("invalid data, expected string, got " + value.getNodeType());
                }
                if (schema.getFormat() != null && Set.of("byte", "duration", "date", "date-time").contains(schema.getFormat())) {
                    // No CRD this check reads has one; a rule over such a field needs its conversion written here first.
                    throw new IllegalStateException("a string of format " + schema.getFormat() + " is a " + schema.getFormat()
                            + " value to the API server's CEL; CelValues does not convert it yet");
                }
                return value.asString();
            }
            case "number" -> {
                if (!value.isNumber()) {
                    throw new Unconvertible("invalid data, expected float, got " + value.getNodeType());
                }
                return value.asDouble();
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    throw new Unconvertible("invalid data, expected int, got " + value.getNodeType());
                }
                return value.asLong();
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    throw new Unconvertible("invalid data, expected bool, got " + value.getNodeType());
                }
                return value.asBoolean();
            }
            default -> {
                if (preserved) {
                    // Data with no schema: the API server keeps it opaque, reachable by equality only.
                    return value;
                }
                throw new Unconvertible("invalid type, expected object, array, number, integer, boolean or string, or no type with"
                        + " x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true, got " + type);
            }
        }
    }

    /**
     * An object: the fields with a schema (escaped as rules name them), or every field under
     * {@code additionalProperties}. A field is converted when a rule asks for it or tests it with {@code has()}.
     */
    private static final class ObjectValue extends AbstractMap<String, Object> {
        private final JsonNode object;
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Map<String, JSONSchemaProps> schemas = new HashMap<>();
        private final Map<String, Object> converted = new HashMap<>();

        ObjectValue(JsonNode object, Map<String, JSONSchemaProps> properties, JSONSchemaProps additional) {
            this.object = object;
            for (String name : object.propertyNames()) {
                JSONSchemaProps schema = additional != null ? additional : properties.get(name);
                if (schema != null) {
                    // A map's keys are data, not names: only the properties of a struct are escaped.
                    String key = additional != null ? name : CelSchemaTypes.escape(name).orElse(null);
                    if (key != null) {
                        names.put(key, name);
                        schemas.put(key, schema);
                    }
                }
            }
        }

        @Override
        public boolean containsKey(Object key) {
            // has(self.x) converts x, as the API server's Find does: an unconvertible x fails the rule.
            return get(key) != null;
        }

        @Override
        public Object get(Object key) {
            String name = names.get(key);
            if (name == null) {
                return null;
            }
            return converted.computeIfAbsent((String) key, k -> of(object.get(name), schemas.get(k)));
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return names.keySet().stream().map(key -> Map.entry(key, get(key)))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        }
    }

    private static final class ListValue extends AbstractList<Object> {
        private final JsonNode array;
        private final JSONSchemaProps items;

        ListValue(JsonNode array, JSONSchemaProps items) {
            this.array = array;
            this.items = items;
        }

        @Override
        public Object get(int index) {
            return of(array.get(index), items);
        }

        @Override
        public int size() {
            return array.size();
        }
    }

    private CelValues() {
    }
}
