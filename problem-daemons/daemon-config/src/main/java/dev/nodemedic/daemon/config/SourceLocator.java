package dev.nodemedic.daemon.config;

import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;

/**
 * Finds where a field path stands in a config text. Jackson buffers the fields of a record before it
 * calls the constructor, so its errors there carry a path but no line; this walks the text once
 * more, following the path, to get the line back.
 */
final class SourceLocator {
    private SourceLocator() {
    }

    static Optional<TokenStreamLocation> locate(ObjectMapper mapper, String text, List<JacksonException.Reference> path) {
        try (JsonParser parser = mapper.createParser(text)) {
            if (parser.nextToken() == null) {
                return Optional.empty();
            }
            TokenStreamLocation found = parser.currentTokenLocation();
            for (JacksonException.Reference step : path) {
                TokenStreamLocation next = step.getIndex() >= 0 ? element(parser, step.getIndex()) : field(parser, step.getPropertyName());
                if (next == null) {
                    return Optional.of(found);
                }
                found = next;
            }
            return Optional.of(found);
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** With the parser on START_OBJECT, moves to the value of {@code name}; returns the field name's location. */
    private static TokenStreamLocation field(JsonParser parser, String name) {
        if (name == null || parser.currentToken() != JsonToken.START_OBJECT) {
            return null;
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            TokenStreamLocation at = parser.currentTokenLocation();
            boolean match = name.equals(parser.currentName());
            parser.nextToken();
            if (match) {
                return at;
            }
            parser.skipChildren();
        }
        return null;
    }

    /** With the parser on START_ARRAY, moves to element {@code index}; returns its location. */
    private static TokenStreamLocation element(JsonParser parser, int index) {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            return null;
        }
        for (int i = 0; ; i++) {
            JsonToken token = parser.nextToken();
            if (token == null || token == JsonToken.END_ARRAY) {
                return null;
            }
            if (i == index) {
                return parser.currentTokenLocation();
            }
            parser.skipChildren();
        }
    }
}
