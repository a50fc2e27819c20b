package dev.nodemedic.daemon.config;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's JSON writer for what a command prints ({@code CommandContext.json}): plugins carry no
 * Jackson, so the agent writes their output, and plugin tests write it with this same class.
 */
public final class JsonLine {
    /**
     * A plain mapper, not {@link ConfigBinder}'s (those are set up for reading). Jackson 3 sorts
     * properties by name by default; a command's output keeps the order its records declare, as
     * the hand-written JSON it replaces did. Built on first use: most commands print no JSON.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder().disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

    private JsonLine() {
    }

    /**
     * The value as one line of JSON: records in component order, maps in iteration order, lists,
     * strings, numbers (a {@link java.math.BigDecimal} with its scale), booleans and {@code null}.
     *
     * @throws IllegalArgumentException when the value holds something Jackson cannot write
     */
    public static String of(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
