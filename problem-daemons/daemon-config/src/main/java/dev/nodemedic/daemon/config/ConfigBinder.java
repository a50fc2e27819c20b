package dev.nodemedic.daemon.config;

import dev.nodemedic.daemon.api.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads YAML and JSON config files into typed records: one mapper of each kind, built once, strict
 * about unknown fields and lenient about nothing else NPD's files would not also accept.
 */
public final class ConfigBinder {
    private final ObjectMapper json;
    private final ObjectMapper yaml;

    public ConfigBinder() {
        SimpleModule durations = new SimpleModule("go-durations").addDeserializer(Duration.class, new DurationDeserializer());
        this.json = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .addModule(durations)
                .build();
        this.yaml = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .addModule(durations)
                .build();
    }

    /**
     * Binds {@code file}: JSON when its name ends in {@code .json}, else YAML.
     *
     * @throws ConfigException naming the file, line, column, field path, what is wrong and what is expected
     */
    public <T> T bind(Path file, Class<T> type) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e + ")", e);
        }
        return bind(file.toString(), text, type);
    }

    /** Binds {@code text}, naming it {@code source} in errors; JSON when the name ends in {@code .json}. */
    public <T> T bind(String source, String text, Class<T> type) throws ConfigException {
        ObjectMapper mapper = source.endsWith(".json") ? json : yaml;
        try {
            T value = text.isBlank() ? json.readValue("{}", type) : mapper.readValue(text, type);
            if (value == null) {
                return json.readValue("{}", type);
            }
            return value;
        } catch (JacksonException e) {
            throw new ConfigException(BindingError.describe(source, text, mapper, e), e);
        }
    }

    /**
     * Reads a duration as config files write them: Go's syntax ({@code 90s}, {@code 5m}, {@code 1h30m}) or ISO-8601.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static Duration parseDuration(String text) {
        return GoDuration.parse(text);
    }

    /** The value of {@code type} with every field at its default, as for an instance with no file. */
    public <T> T defaults(Class<T> type) throws ConfigException {
        return bind("(defaults of " + type.getSimpleName() + ")", "{}", type);
    }

    private static final class DurationDeserializer extends ValueDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken().isNumeric()) {
                // A bare number is ambiguous (Go reads nanoseconds, people mean seconds): refuse it.
                return ctxt.reportInputMismatch(Duration.class,
                        "a duration needs a unit; write \"%ss\" for seconds (Go syntax: 300ms, 90s, 5m, 1h30m)", p.getText());
            }
            try {
                return GoDuration.parse(p.getValueAsString());
            } catch (IllegalArgumentException e) {
                return ctxt.reportInputMismatch(Duration.class, "%s", e.getMessage());
            }
        }
    }
}
