package dev.nodemedic.remedy.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CRD's {@code x-kubernetes-validations} rules, compiled and run as the API server runs them, so that a
 * test can say what the server would say of the CRD and of an object created under it.
 *
 * <p>The CRD: each rule is compiled with {@code self} (and {@code oldSelf}) typed from its schema node
 * ({@link CelSchemaTypes}), so a rule naming a field the schema lacks does not compile, as on the server;
 * a node carrying rules must have a CEL type; and every value under it must have one too — an object with
 * neither properties, additionalProperties nor x-kubernetes-preserve-unknown-fields, or an array without
 * items, compiles but fails every rule that reaches an object which sets it.
 *
 * <p>An object: the schema's defaults are applied, as the server does when it decodes a create; then
 * every rule runs at each value of its node ({@link CelValues}), and each rule that is false or fails is
 * reported with the server's field path and words:
 * {@code spec.actions[1]: Invalid value: "object": <message>}. Transition rules (those reading
 * {@code oldSelf}) do not run on a create and are skipped. The environment is CEL's standard library with
 * the strings, sets and optional extensions; Kubernetes' own libraries (quantity, url, ip, …) are not
 * here, so a rule calling them fails to compile in this check and needs them added first.
 */
final class CelRules {
    private final JSONSchemaProps root;
    private final CelSchemaTypes types = new CelSchemaTypes();
    private final List<String> crdProblems = new ArrayList<>();
    private final Map<JSONSchemaProps, List<Compiled>> compiled = new IdentityHashMap<>();

    private record Compiled(ValidationRule rule, CelRuntime.Program program, Optional<CelRuntime.Program> message, boolean transition) {
    }

    private CelRules(JSONSchemaProps root) {
        this.root = root;
        compile("openAPIV3Schema", root, true);
    }

    /** The rules of one CRD version's {@code openAPIV3Schema}. */
    static CelRules of(JSONSchemaProps openApiV3Schema) {
        return new CelRules(openApiV3Schema);
    }

    /** What the API server would refuse in the CRD itself; empty when it would accept the rules. */
    List<String> crdProblems() {
        return List.copyOf(crdProblems);
    }

    /** What the API server would answer to creating {@code object} (apiVersion, kind, metadata, spec …): empty when every rule holds. */
    List<String> violations(JsonNode object) {
        // The root's apiVersion, kind and metadata are the API server's own, visible to rules whatever the schema says.
        JSONSchemaProps resource = CelSchemaTypes.withTypeAndObjectMeta(root);
        List<String> violations = new ArrayList<>();
        evaluate("", withDefaults(object.deepCopy(), root), root, resource, violations);
        return violations;
    }

    private void compile(String where, JSONSchemaProps schema, boolean resourceRoot) {
        List<ValidationRule> rules = schema.getXKubernetesValidations() == null ? List.of() : schema.getXKubernetesValidations();
        if (!rules.isEmpty()) {
            Optional<CelType> self = types.declare(where, schema, resourceRoot);
            if (self.isEmpty()) {
                crdProblems.add(where + ".x-kubernetes-validations: the node has no CEL type (" + describe(schema) + "), so its rules cannot compile");
            } else {
                untypedBelow(where, schema, crdProblems);
                compiled.put(schema, rules.stream().map(rule -> compileRule(where, rule, self.get())).flatMap(Optional::stream).toList());
            }
        }
        children(schema).forEach((step, child) -> compile(where + step, child, CelSchemaTypes.embedded(child)));
    }

    private Optional<Compiled> compileRule(String where, ValidationRule rule, CelType self) {
        Cel cel = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current().build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(CelExtensions.strings(), CelExtensions.sets(CelOptions.DEFAULT), CelExtensions.optional())
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(CelOptions.DEFAULT), CelExtensions.optional())
                .setTypeProvider(types)
                .addVar("self", self)
                .addVar("oldSelf", self)
                .build();
        try {
            CelAbstractSyntaxTree ast = cel.compile(rule.getRule()).getAst();
            boolean transition = ast.getReferenceMap().values().stream().anyMatch(reference -> reference.name().equals("oldSelf"));
            Optional<CelRuntime.Program> message = Optional.empty();
            if (rule.getMessageExpression() != null && !rule.getMessageExpression().isBlank()) {
                message = Optional.of(cel.createProgram(cel.compile(rule.getMessageExpression()).getAst()));
            }
            return Optional.of(new Compiled(rule, cel.createProgram(ast), message, transition));
        } catch (CelValidationException e) {
            crdProblems.add(where + ".x-kubernetes-validations rule " + rule.getRule() + ": compilation failed: " + e.getMessage());
        } catch (CelEvaluationException e) {
            crdProblems.add(where + ".x-kubernetes-validations rule " + rule.getRule() + ": no program: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Nodes under a rule's node whose values CEL cannot hold: the rule fails on any object that sets one. */
    private static void untypedBelow(String where, JSONSchemaProps schema, List<String> problems) {
        String type = schema.getType() == null ? "" : schema.getType();
        boolean preserved = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
        if (type.equals("object") && CelSchemaTypes.properties(schema).isEmpty() && !CelSchemaTypes.embedded(schema) && !preserved
                && (schema.getAdditionalProperties() == null || schema.getAdditionalProperties().getSchema() == null)) {
            problems.add(where + ": an object with neither properties, additionalProperties nor x-kubernetes-preserve-unknown-fields has no CEL type;"
                    + " a rule that reaches it fails (\"invalid object type, expected either Properties or AdditionalProperties with Allows=true and non-empty Schema\")");
        }
        if (type.equals("array") && (schema.getItems() == null || schema.getItems().getSchema() == null)) {
            problems.add(where + ": an array without items has no CEL type; a rule that reaches it fails (\"invalid array type, expected Items with a non-empty Schema\")");
        }
        children(schema).forEach((step, child) -> untypedBelow(where + step, child, problems));
    }

    /** The schema nodes right under {@code schema}, by the step from it: .properties[x], .items, .additionalProperties. */
    private static Map<String, JSONSchemaProps> children(JSONSchemaProps schema) {
        Map<String, JSONSchemaProps> children = new LinkedHashMap<>();
        CelSchemaTypes.properties(schema).forEach((name, property) -> children.put(".properties[" + name + "]", property));
        if (schema.getItems() != null && schema.getItems().getSchema() != null) {
            children.put(".items", schema.getItems().getSchema());
        }
        if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
            children.put(".additionalProperties", schema.getAdditionalProperties().getSchema());
        }
        return children;
    }

    /**
     * @param schema the node as the CRD has it, which the compiled rules are kept by
     * @param seen the node as rules see it: for the root, with apiVersion, kind and metadata
     */
    private void evaluate(String path, JsonNode value, JSONSchemaProps schema, JSONSchemaProps seen, List<String> violations) {
        if (value == null || value.isNull()) {
            return;
        }
        for (Compiled rule : compiled.getOrDefault(schema, List.of())) {
            if (!rule.transition()) {
                run(rule, path, value, seen, violations);
            }
        }
        if (value.isObject()) {
            JSONSchemaProps values = schema.getAdditionalProperties() == null ? null : schema.getAdditionalProperties().getSchema();
            for (String name : value.propertyNames()) {
                JSONSchemaProps property = values != null ? values : CelSchemaTypes.properties(schema).get(name);
                if (property != null) {
                    evaluate(values != null ? path + "[" + name + "]" : join(path, name), value.get(name), property, property, violations);
                }
            }
        } else if (value.isArray() && schema.getItems() != null && schema.getItems().getSchema() != null) {
            for (int i = 0; i < value.size(); i++) {
                evaluate(path + "[" + i + "]", value.get(i), schema.getItems().getSchema(), schema.getItems().getSchema(), violations);
            }
        }
    }

    private static void run(Compiled compiled, String path, JsonNode value, JSONSchemaProps schema, List<String> violations) {
        ValidationRule rule = compiled.rule();
        String at = join(path, rule.getFieldPath() == null ? "" : rule.getFieldPath().replaceFirst("^\\.", ""));
        String prefix = at.isEmpty() ? "" : at + ": ";
        String type = schema.getType() == null ? "" : schema.getType();
        // The API server's words: ruleMessageOrDefault and ruleErrorString in its CEL validator.
        String named = rule.getMessage() != null && !rule.getMessage().isBlank() ? rule.getMessage().strip() : rule.getRule().strip();
        try {
            Map<String, Object> variables = Map.of("self", CelValues.of(value, schema));
            Object result = compiled.program().eval(variables);
            if (!Boolean.TRUE.equals(result)) {
                String message = compiled.message().flatMap(expression -> messageOf(expression, variables))
                        .orElse(rule.getMessage() != null && !rule.getMessage().isBlank() ? named : "failed rule: " + named);
                violations.add(prefix + switch (rule.getReason() == null ? "FieldValueInvalid" : rule.getReason()) {
                    case "FieldValueForbidden" -> "Forbidden: " + message;
                    case "FieldValueRequired" -> "Required value: " + message;
                    case "FieldValueDuplicate" -> "Duplicate value: \"" + type + "\"";
                    default -> "Invalid value: \"" + type + "\": " + message;
                });
            }
        } catch (CelEvaluationException | CelValues.Unconvertible e) {
            String error = unconvertible(e).map(Throwable::getMessage).orElse(e.getMessage());
            violations.add(prefix + "Invalid value: \"" + type + "\": " + error + " evaluating rule: " + named);
        }
    }

    /** A messageExpression's message; the API server falls back to the rule's message when it fails or is blank. */
    private static Optional<String> messageOf(CelRuntime.Program expression, Map<String, Object> variables) {
        try {
            return Optional.of(expression.eval(variables)).filter(String.class::isInstance).map(String.class::cast).filter(m -> !m.isBlank());
        } catch (CelEvaluationException | CelValues.Unconvertible e) {
            return Optional.empty();
        }
    }

    /** The API server's conversion failure behind an evaluation error, however CEL wrapped it. */
    private static Optional<CelValues.Unconvertible> unconvertible(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CelValues.Unconvertible unconvertible) {
                return Optional.of(unconvertible);
            }
        }
        return Optional.empty();
    }

    /**
     * The object as rules see it on a create: each absent field with a default given it. (The server also
     * prunes unknown fields first; rules cannot name those, so it changes no outcome here.)
     */
    private static JsonNode withDefaults(JsonNode value, JSONSchemaProps schema) {
        if (value instanceof ObjectNode object) {
            JSONSchemaProps values = schema.getAdditionalProperties() == null ? null : schema.getAdditionalProperties().getSchema();
            Map<String, JSONSchemaProps> properties = CelSchemaTypes.properties(schema);
            for (String name : List.copyOf(object.propertyNames())) {
                JSONSchemaProps property = values != null ? values : properties.get(name);
                if (property != null) {
                    object.set(name, withDefaults(object.get(name), property));
                }
            }
            properties.forEach((name, property) -> {
                if (!object.has(name) && property.getDefault() != null) {
                    object.set(name, withDefaults(property.getDefault().deepCopy(), property));
                }
            });
        } else if (value instanceof ArrayNode array && schema.getItems() != null && schema.getItems().getSchema() != null) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, withDefaults(array.get(i), schema.getItems().getSchema()));
            }
        }
        return value;
    }

    private static String join(String path, String name) {
        if (name.isEmpty()) {
            return path;
        }
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(JSONSchemaProps schema) {
        return schema.getType() == null ? "no type" : "type " + schema.getType();
    }
}
