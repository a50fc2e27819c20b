package dev.nodemedic.daemon.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;
import tools.jackson.databind.exc.ValueInstantiationException;

/** Turns Jackson's exceptions into one line an operator can act on: where, which field, what is wrong, what is expected. */
final class BindingError {
    /** {@code [3].pattern} after a list field's name, in a record's message. */
    private static final Pattern INNER_FIELD = Pattern.compile("\\[(\\d{1,9})]\\.([A-Za-z_][A-Za-z0-9_]*)");

    private BindingError() {
    }

    static String describe(String source, String text, ObjectMapper mapper, JacksonException e) {
        List<JacksonException.Reference> references = new ArrayList<>(e.getPath());
        TokenStreamLocation location = e.getLocation();
        if (e instanceof ValueInstantiationException invalid) {
            // Thrown from a record's constructor after all its fields were read: Jackson's location is
            // the object's end. The daemon-api asks messages to start with the field's name, so when
            // one does, point at that field.
            references.addAll(pathNamedBy(invalid));
            location = null;
        }
        if (location == null || location.getLineNr() <= 0) {
            location = SourceLocator.locate(mapper, text, references).orElse(null);
        }
        StringBuilder out = new StringBuilder(source);
        if (location != null && location.getLineNr() > 0) {
            out.append(':').append(location.getLineNr()).append(':').append(location.getColumnNr());
        }
        String path = path(e.getPath());
        if (!path.isEmpty()) {
            out.append(": ").append(path);
        }
        out.append(": ").append(what(e));
        return out.toString();
    }

    /**
     * The field a record's message starts with; when the message names a field inside one of its
     * elements ({@code rules[3].pattern: ...}), the path to that field, so the line is the element's.
     */
    private static List<JacksonException.Reference> pathNamedBy(ValueInstantiationException e) {
        Optional<String> field = fieldNamedBy(e);
        if (field.isEmpty()) {
            return List.of();
        }
        List<JacksonException.Reference> path = new ArrayList<>();
        path.add(new JacksonException.Reference(null, field.get()));
        String message = e.getCause().getMessage();
        Matcher step = INNER_FIELD.matcher(message).region(field.get().length(), message.length());
        if (step.lookingAt()) {
            path.add(new JacksonException.Reference(null, Integer.parseInt(step.group(1))));
            path.add(new JacksonException.Reference(null, step.group(2)));
        }
        return path;
    }

    private static Optional<String> fieldNamedBy(ValueInstantiationException e) {
        Class<?> type = e.getType() == null ? null : e.getType().getRawClass();
        String message = e.getCause() == null ? null : e.getCause().getMessage();
        if (type == null || !type.isRecord() || message == null) {
            return Optional.empty();
        }
        for (RecordComponent component : type.getRecordComponents()) {
            String name = component.getName();
            if (message.startsWith(name) && (message.length() == name.length() || " .[:".indexOf(message.charAt(name.length())) >= 0)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static String what(JacksonException e) {
        if (e instanceof PropertyBindingException unknown) {
            String field = unknown.getPropertyName();
            String suggestion = closest(field, unknown.getKnownPropertyIds());
            return "unknown field \"" + field + "\"" + (suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?")
                    + " (known fields: " + known(unknown.getKnownPropertyIds()) + ")";
        }
        if (e instanceof ValueInstantiationException invalid && invalid.getCause() != null) {
            Throwable cause = invalid.getCause();
            while (cause.getCause() != null && cause instanceof java.lang.reflect.InvocationTargetException) {
                cause = cause.getCause();
            }
            return cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }
        if (e instanceof InvalidFormatException format) {
            return "\"" + format.getValue() + "\" is not a valid " + typeName(format.getTargetType());
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null && !e.getOriginalMessage().contains("duration")) {
            return "expected " + typeName(mismatch.getTargetType()) + " here (" + firstSentence(e.getOriginalMessage()) + ")";
        }
        return firstSentence(e.getOriginalMessage());
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : references) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            }
        }
        return path.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type.isEnum()) {
            StringBuilder names = new StringBuilder();
            for (Object constant : type.getEnumConstants()) {
                names.append(names.isEmpty() ? "" : ", ").append(constant);
            }
            return "value (one of " + names + ")";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "list";
        }
        if (type.isRecord() || java.util.Map.class.isAssignableFrom(type)) {
            return "object (key: value fields)";
        }
        return type.getSimpleName();
    }

    private static String firstSentence(String message) {
        if (message == null) {
            return "invalid value";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static String known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).sorted().reduce((a, b) -> a + ", " + b).orElse("none");
    }

    /** The known field nearest to what was written, if it is near enough to be a typo. */
    static String closest(String written, Collection<Object> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Object id : known) {
            String candidate = String.valueOf(id);
            int d = distance(written.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, written.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
