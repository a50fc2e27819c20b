package dev.nodemedic.remedy.policy;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CEL type the API server gives a node of a CRD's structural schema, built as k8s.io/apiserver's
 * {@code SchemaDeclType} builds it: an object with {@code additionalProperties} is a map from string to
 * their type; any other object is a struct of the properties that have a type (so an object with no
 * properties is a struct with no fields, and a rule may still test {@code has()} on it); an array is a
 * list of its items' type; {@code x-kubernetes-int-or-string} is {@code dyn}; strings are string, bytes,
 * duration or timestamp by their format. A node with no type, a list whose items have none, or a map
 * whose values have none gets no type and is hidden from rules. The root of a resource always shows
 * {@code apiVersion}, {@code kind}, {@code metadata.name} and {@code metadata.generateName}.
 *
 * <p>Also the type provider the CEL checker asks for a struct's fields: every struct declared here.
 */
final class CelSchemaTypes implements CelTypeProvider {
    /** CEL's reserved words: a property named so is {@code __name__} in a rule. */
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
            "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while");
    private static final Pattern ESCAPED = Pattern.compile("__|[.\\-/]|[^a-zA-Z0-9_]");

    private final Map<String, StructType> structs = new LinkedHashMap<>();

    /**
     * The node's type, or empty where the API server exposes none.
     *
     * @param name the node's place in the schema, unique: it names the node's struct type
     */
    Optional<CelType> declare(String name, JSONSchemaProps schema, boolean resourceRoot) {
        if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
            return Optional.of(SimpleType.DYN);
        }
        JSONSchemaProps node = resourceRoot ? withTypeAndObjectMeta(schema) : schema;
        String type = node.getType() == null ? "" : node.getType();
        return switch (type) {
            case "array" -> node.getItems() == null || node.getItems().getSchema() == null ? Optional.empty()
                    : declare(name + ".@items", node.getItems().getSchema(), embedded(node.getItems().getSchema())).map(ListType::create);
            case "object" -> {
                JSONSchemaProps values = node.getAdditionalProperties() == null ? null : node.getAdditionalProperties().getSchema();
                if (values != null) {
                    yield declare(name + ".@values", values, embedded(values)).map(v -> MapType.create(SimpleType.STRING, v));
                }
                Map<String, CelType> fields = new LinkedHashMap<>();
                properties(node).forEach((property, propertySchema) -> declare(name + "." + property, propertySchema, embedded(propertySchema))
                        .ifPresent(fieldType -> escape(property).ifPresent(field -> fields.put(field, fieldType))));
                StructType struct = StructType.create(name, ImmutableSet.copyOf(fields.keySet()), field -> Optional.ofNullable(fields.get(field)));
                structs.put(name, struct);
                yield Optional.of(struct);
            }
            case "string" -> Optional.of(switch (node.getFormat() == null ? "" : node.getFormat()) {
                case "byte" -> SimpleType.BYTES;
                case "duration" -> SimpleType.DURATION;
                case "date", "date-time" -> SimpleType.TIMESTAMP;
                default -> SimpleType.STRING;
            });
            case "boolean" -> Optional.of(SimpleType.BOOL);
            case "number" -> Optional.of(SimpleType.DOUBLE);
            case "integer" -> Optional.of(SimpleType.INT);
            default -> Optional.empty();
        };
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }

    /** The properties of an object node; fabric8 reads an absent {@code properties} as an empty map, as the API server does. */
    static Map<String, JSONSchemaProps> properties(JSONSchemaProps schema) {
        return schema.getProperties() == null ? Map.of() : schema.getProperties();
    }

    static boolean embedded(JSONSchemaProps schema) {
        return Boolean.TRUE.equals(schema.getXKubernetesEmbeddedResource());
    }

    /**
     * A property's name in a rule, as k8s.io/apiserver's {@code cel.Escape} writes it: {@code x-y} is
     * {@code x__dash__y}; a name starting with a digit, or with a character it cannot escape, is not
     * reachable from a rule at all.
     */
    static Optional<String> escape(String property) {
        if (property.isEmpty() || Character.isDigit(property.charAt(0))) {
            return Optional.empty();
        }
        if (RESERVED.contains(property)) {
            return Optional.of("__" + property + "__");
        }
        StringBuilder escaped = new StringBuilder();
        Matcher matcher = ESCAPED.matcher(property);
        while (matcher.find()) {
            String replacement = switch (matcher.group()) {
                case "__" -> "__underscores__";
                case "." -> "__dot__";
                case "-" -> "__dash__";
                case "/" -> "__slash__";
                default -> null;
            };
            if (replacement == null) {
                return Optional.empty();
            }
            matcher.appendReplacement(escaped, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(escaped);
        return Optional.of(escaped.toString());
    }

    /** The root of a resource (and an embedded resource) as rules see it: with apiVersion, kind and metadata's names. */
    static JSONSchemaProps withTypeAndObjectMeta(JSONSchemaProps schema) {
        Map<String, JSONSchemaProps> given = properties(schema);
        if (isString(given.get("apiVersion")) && isString(given.get("kind")) && given.get("metadata") != null
                && isString(properties(given.get("metadata")).get("name")) && isString(properties(given.get("metadata")).get("generateName"))) {
            return schema;
        }
        JSONSchemaProps string = new JSONSchemaPropsBuilder().withType("string").build();
        JSONSchemaProps metadata = new JSONSchemaPropsBuilder().withType("object")
                .addToProperties("name", string).addToProperties("generateName", string).build();
        Map<String, JSONSchemaProps> properties = new LinkedHashMap<>(given);
        properties.put("apiVersion", string);
        properties.put("kind", string);
        properties.put("metadata", metadata);
        return new JSONSchemaPropsBuilder(schema).withProperties(properties).build();
    }

    private static boolean isString(JSONSchemaProps schema) {
        return schema != null && "string".equals(schema.getType());
    }
}
