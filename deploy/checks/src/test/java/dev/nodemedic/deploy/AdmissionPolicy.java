package dev.nodemedic.deploy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One rendered ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1), run as the API server runs it
 * on a request: its {@code matchConstraints.resourceRules} (group, resource and subresource, operation),
 * then its {@code matchConditions}, its {@code variables} in order, and its {@code validations}, each
 * expression in Google's CEL for Java with {@code request}, {@code object}, {@code oldObject} and
 * {@code variables} as the server binds them (dynamically typed, as the server compiles a policy).
 * A false validation denies with its {@code message} or {@code messageExpression}; an expression that
 * fails to evaluate denies too, as {@code failurePolicy: Fail} does. Kubernetes' own CEL libraries
 * (quantity, url, authorizer …) are not here: a policy calling them fails to compile in this check.
 */
final class AdmissionPolicy {
    private final String name;
    private final JsonNode spec;
    private final Cel cel;
    private final List<Named> matchConditions = new ArrayList<>();
    private final List<Named> variables = new ArrayList<>();
    private final List<Validation> validations = new ArrayList<>();

    private record Named(String name, String expression, CelRuntime.Program program) {
    }

    private record Validation(String expression, CelRuntime.Program program, String message, Optional<CelRuntime.Program> messageExpression,
                              String reason) {
    }

    /** What the API server answers the request, as far as this policy goes. */
    sealed interface Verdict {
        /** The policy does not apply to the request (a rule or a match condition says so). */
        record NotMatched(String why) implements Verdict {
        }

        record Admitted() implements Verdict {
        }

        record Denied(String reason, String message) implements Verdict {
        }
    }

    private AdmissionPolicy(JsonNode policy) {
        this.name = policy.at("/metadata/name").asString();
        this.spec = policy.path("spec");
        this.cel = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current().build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(CelExtensions.strings(), CelExtensions.optional())
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.optional())
                .addVar("request", SimpleType.DYN)
                .addVar("object", SimpleType.DYN)
                .addVar("oldObject", SimpleType.DYN)
                .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .build();
        spec.path("matchConditions").values().forEach(c -> matchConditions.add(named(c)));
        spec.path("variables").values().forEach(v -> variables.add(named(v)));
        for (JsonNode validation : spec.path("validations").values()) {
            String expression = validation.path("expression").asString();
            Optional<CelRuntime.Program> message = validation.has("messageExpression")
                    ? Optional.of(compile("messageExpression", validation.path("messageExpression").asString())) : Optional.empty();
            validations.add(new Validation(expression, compile("validation", expression), validation.path("message").asString(""), message,
                    validation.path("reason").asString("Invalid")));
        }
    }

    static AdmissionPolicy of(JsonNode policy) {
        if (!policy.path("kind").asString().equals("ValidatingAdmissionPolicy")) {
            throw new IllegalArgumentException("not a ValidatingAdmissionPolicy: " + policy.path("kind").asString());
        }
        return new AdmissionPolicy(policy);
    }

    private Named named(JsonNode entry) {
        String expression = entry.path("expression").asString();
        return new Named(entry.path("name").asString(), expression, compile(entry.path("name").asString(), expression));
    }

    private CelRuntime.Program compile(String what, String expression) {
        try {
            return cel.createProgram(cel.compile(expression).getAst());
        } catch (CelValidationException | CelEvaluationException e) {
            throw new AssertionError("ValidatingAdmissionPolicy " + name + " " + what + " does not compile: " + expression + "\n" + e.getMessage(), e);
        }
    }

    /**
     * The policy's answer to an admission request.
     *
     * @param request   the admission request as the server binds {@code request}: operation, resource, subResource, name, userInfo …
     * @param object    the object after the write ({@code null} on a delete)
     * @param oldObject the object before it ({@code null} on a create)
     */
    Verdict review(Map<String, Object> request, Map<String, Object> object, Map<String, Object> oldObject) {
        Optional<String> unmatched = unmatchedResource(request);
        if (unmatched.isPresent()) {
            return new Verdict.NotMatched(unmatched.get());
        }
        Map<String, Object> bound = new HashMap<>();
        bound.put("request", request);
        bound.put("object", object == null ? dev.cel.common.values.NullValue.NULL_VALUE : object);
        bound.put("oldObject", oldObject == null ? dev.cel.common.values.NullValue.NULL_VALUE : oldObject);
        Map<String, Object> values = new LinkedHashMap<>();
        bound.put("variables", values);
        for (Named condition : matchConditions) {
            try {
                if (!Boolean.TRUE.equals(condition.program().eval(bound))) {
                    return new Verdict.NotMatched("matchCondition " + condition.name() + " is false");
                }
            } catch (CelEvaluationException e) {
                return new Verdict.Denied("InternalError", "matchCondition " + condition.name() + " failed: " + e.getMessage());
            }
        }
        for (Named variable : variables) {
            try {
                values.put(variable.name(), variable.program().eval(bound));
            } catch (CelEvaluationException e) {
                return new Verdict.Denied("Invalid", "variable " + variable.name() + " failed: " + e.getMessage());
            }
        }
        for (Validation validation : validations) {
            Object result;
            try {
                result = validation.program().eval(bound);
            } catch (CelEvaluationException e) {
                return new Verdict.Denied("Invalid", "expression '" + validation.expression() + "' resulted in error: " + e.getMessage());
            }
            if (!Boolean.TRUE.equals(result)) {
                return new Verdict.Denied(validation.reason(), message(validation, bound));
            }
        }
        return new Verdict.Admitted();
    }

    private static String message(Validation validation, Map<String, Object> bound) {
        if (validation.messageExpression().isPresent()) {
            try {
                Object message = validation.messageExpression().get().eval(bound);
                if (message instanceof String text && !text.isBlank()) {
                    return text;
                }
            } catch (CelEvaluationException e) {
                // The server falls back to message, as here.
            }
        }
        return validation.message().isEmpty() ? "failed expression: " + validation.expression() : validation.message();
    }

    /** matchConstraints.resourceRules: the request's group, resource[/subresource] and operation against each rule. */
    private Optional<String> unmatchedResource(Map<String, Object> request) {
        @SuppressWarnings("unchecked")
        Map<String, Object> resource = (Map<String, Object>) request.get("resource");
        String group = (String) resource.get("group");
        String subResource = (String) request.getOrDefault("subResource", "");
        String full = resource.get("resource") + (subResource.isEmpty() ? "" : "/" + subResource);
        String operation = (String) request.get("operation");
        for (JsonNode rule : spec.at("/matchConstraints/resourceRules").values()) {
            if (lists(rule.path("apiGroups"), group) && lists(rule.path("resources"), full) && lists(rule.path("operations"), operation)) {
                return Optional.empty();
            }
        }
        return Optional.of(operation + " " + full + " in group '" + group + "' is not in matchConstraints.resourceRules");
    }

    private static boolean lists(JsonNode values, String value) {
        return values.values().stream().map(JsonNode::asString).anyMatch(v -> v.equals("*") || v.equals(value));
    }

    /** A JSON object as the server hands it to CEL: maps, lists, strings, booleans, int64 and double. */
    static Map<String, Object> value(JsonNode object) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) convert(object);
        return map;
    }

    private static Object convert(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), convert(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            return node.values().stream().map(AdmissionPolicy::convert).toList();
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isNull()) {
            return dev.cel.common.values.NullValue.NULL_VALUE;
        }
        return node.asString();
    }

    String name() {
        return name;
    }
}
