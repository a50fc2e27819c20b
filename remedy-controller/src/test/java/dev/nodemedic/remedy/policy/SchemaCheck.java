package dev.nodemedic.remedy.policy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The part of the API server's structural-schema validation that catches mistakes in a policy file:
 * unknown fields (which the API server would silently prune, unless the node preserves them), missing
 * required fields, wrong types, patterns, minItems/maxItems, minProperties/maxProperties. Returns every
 * problem with its field path. The CRD's CEL rules are {@link CelRules}' part.
 */
final class SchemaCheck {
    /** Checks a whole object's spec; apiVersion, kind and metadata are the API server's own, not the CRD schema's. */
    static List<String> problems(JsonNode object, JSONSchemaProps schema) {
        List<String> problems = new ArrayList<>();
        JsonNode spec = object.get("spec");
        if (spec == null) {
            problems.add(".spec: required");
        } else {
            check(".spec", spec, schema.getProperties().get("spec"), problems);
        }
        return problems;
    }

    private static void check(String path, JsonNode value, JSONSchemaProps schema, List<String> problems) {
        if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
            if (!value.isNumber() && !value.isString()) {
                problems.add(path + ": expected a number or a string");
            }
            return;
        }
        String type = schema.getType();
        switch (type == null ? "" : type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(path + ": expected an object");
                    return;
                }
                Map<String, JSONSchemaProps> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
                for (String name : value.propertyNames()) {
                    JSONSchemaProps property = properties.get(name);
                    if (property != null) {
                        check(path + "." + name, value.get(name), property, problems);
                    } else if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
                        check(path + "." + name, value.get(name), schema.getAdditionalProperties().getSchema(), problems);
                    } else if (!Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())
                            && (!properties.isEmpty() || schema.getAdditionalProperties() == null)) {
                        problems.add(path + "." + name + ": unknown field (the API server would drop it)");
                    }
                }
                if (schema.getMinProperties() != null && value.size() < schema.getMinProperties()) {
                    problems.add(path + ": " + value.size() + " fields, at least " + schema.getMinProperties() + " needed");
                }
                if (schema.getMaxProperties() != null && value.size() > schema.getMaxProperties()) {
                    problems.add(path + ": " + value.size() + " fields, at most " + schema.getMaxProperties() + " allowed");
                }
                for (String required : schema.getRequired() == null ? List.<String>of() : schema.getRequired()) {
                    if (value.get(required) == null) {
                        problems.add(path + "." + required + ": required");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(path + ": expected a list");
                    return;
                }
                if (schema.getMinItems() != null && value.size() < schema.getMinItems()) {
                    problems.add(path + ": fewer than " + schema.getMinItems() + " items");
                }
                if (schema.getMaxItems() != null && value.size() > schema.getMaxItems()) {
                    problems.add(path + ": more than " + schema.getMaxItems() + " items");
                }
                for (int i = 0; i < value.size(); i++) {
                    check(path + "[" + i + "]", value.get(i), schema.getItems().getSchema(), problems);
                }
            }
            case "string" -> {
                if (!value.isString()) {
                    problems.add(path + ": expected a string");
                } else if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(value.asString()).find()) {
                    problems.add(path + ": \"" + value.asString() + "\" does not match " + schema.getPattern());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(path + ": expected an integer");
                } else if (schema.getMinimum() != null && value.asDouble() < schema.getMinimum()) {
                    problems.add(path + ": below the minimum " + schema.getMinimum());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + ": expected true or false");
                }
            }
            default -> problems.add(path + ": the schema has no type " + type);
        }
    }

    private SchemaCheck() {
    }
}
