package dev.nodemedic.core.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.http.HttpMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "event", description = "Emits an event on the node in the daemon's name (and renews its lease).")
final class Emit extends DaemonRequest {
    @Parameters(index = "1", paramLabel = "REASON", description = "One UpperCamelCase word, such as XidError.")
    String reason;

    @Parameters(index = "2", paramLabel = "MESSAGE", description = "A sentence for people.")
    String message;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "Warning", description = "Normal or Warning (default ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--source", paramLabel = "SOURCE", description = "The component that saw it. Default: the daemon's name.")
    String source;

    Emit() {
        super(HttpMethod.POST, "/events");
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventBody(String type, String reason, String message, String source) {
    }

    @Override
    String body() {
        return JSON.writeValueAsString(new EventBody(type, reason, message, source));
    }
}
