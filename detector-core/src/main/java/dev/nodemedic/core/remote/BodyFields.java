package dev.nodemedic.core.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the fields of one JSON object of a request, refusing with the field's full path
 * ({@code conditions[1].reason}) and what was expected: a script author fixes the request from the
 * error alone. Unknown fields are refused too, so a typo is not silently ignored.
 */
final class BodyFields {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonNode node;
    private final String path;

    private BodyFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The request body as an object; an empty body is an empty object, so optional-only requests may send none. */
    static BodyFields parse(String body, Set<String> known) throws RequestRefused {
        if (body == null || body.isBlank()) {
            return new BodyFields(JSON.createObjectNode(), "");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw RequestRefused.invalid("body", "not valid JSON" + where + " (" + firstLine(e.getOriginalMessage()) + "); send one JSON object");
        }
        if (tree == null || !tree.isObject()) {
            throw RequestRefused.invalid("body", "expected one JSON object, such as {\"status\":\"True\",\"reason\":\"XidError\"}");
        }
        return new BodyFields(tree, "").onlyKnown(known);
    }

    String field(String name) {
        return path + name;
    }

    private BodyFields onlyKnown(Set<String> known) throws RequestRefused {
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                throw RequestRefused.invalid(field(name), "unknown field; known fields here: " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return this;
    }

    String requiredString(String name, String expected) throws RequestRefused {
        return optionalString(name, expected).orElseThrow(() -> RequestRefused.invalid(field(name), "missing; expected " + expected));
    }

    Optional<String> optionalString(String name, String expected) throws RequestRefused {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw RequestRefused.invalid(field(name), "expected " + expected + ", got " + kind(value));
        }
        return Optional.of(value.stringValue());
    }

    OptionalInt optionalInt(String name, String expected) throws RequestRefused {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return OptionalInt.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw RequestRefused.invalid(field(name), "expected " + expected + ", got " + kind(value));
        }
        return OptionalInt.of(value.intValue());
    }

    /** The objects of an array field, each read with its index in the path. Absent is empty. */
    List<BodyFields> objects(String name, Set<String> known, String expected) throws RequestRefused {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw RequestRefused.invalid(field(name), "expected an array of " + expected + ", got " + kind(value));
        }
        List<BodyFields> items = new ArrayList<>();
        int i = 0;
        for (JsonNode item : value.values()) {
            String itemPath = field(name) + "[" + i + "]";
            if (!item.isObject()) {
                throw RequestRefused.invalid(itemPath, "expected " + expected + ", got " + kind(item));
            }
            items.add(new BodyFields(item, itemPath + ".").onlyKnown(known));
            i++;
        }
        return items;
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "the string \"" + abbreviated(value.stringValue()) + "\"";
            case NUMBER -> "the number " + value;
            case BOOLEAN -> value.toString();
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> value.getNodeType().name().toLowerCase();
        };
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
