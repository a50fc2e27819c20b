package dev.nodemedic.core.report;

import dev.nodemedic.core.DurationArgument;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.http.HttpMethod;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "register", description = {"Registers a daemon with the condition types it owns, or registers it again.",
        "Again: after its lease expired, or to change its conditions; a condition keeps its state across registrations."})
final class Register extends Request {
    @Parameters(index = "0", paramLabel = "NAME", description = "The daemon's name: lower-case letters, digits and '-', such as gpu-health.")
    String name;

    @Option(names = {"-c", "--condition"}, paramLabel = "TYPE=REASON[:MESSAGE]",
            description = "A condition type it owns, with its healthy reason and message, such as GpuFailure=GpuIsHealthy:'all GPUs respond'. Repeat for more.")
    List<String> conditions = new ArrayList<>();

    @Option(names = "--lease", paramLabel = "DURATION", converter = DurationArgument.class,
            description = "How long it stays alive without a report or renewal: 5s to 10m (default 30s).")
    Duration lease;

    @Option(names = "--version", paramLabel = "VERSION", description = "The detector's own version, shown on the status page.")
    String version;

    Register() {
        super(HttpMethod.PUT);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Declaration(String type, String reason, String message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RegistrationBody(String version, Long leaseSeconds, List<Declaration> conditions) {
    }

    @Override
    String path() {
        return daemonPath(name);
    }

    @Override
    String body() {
        List<Declaration> declared = new ArrayList<>();
        for (String condition : conditions) {
            int equals = condition.indexOf('=');
            if (equals <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--condition " + condition
                        + ": expected TYPE=REASON[:MESSAGE], such as GpuFailure=GpuIsHealthy:'all GPUs respond'");
            }
            String rest = condition.substring(equals + 1);
            int colon = rest.indexOf(':');
            declared.add(new Declaration(condition.substring(0, equals), colon < 0 ? rest : rest.substring(0, colon),
                    colon < 0 ? null : rest.substring(colon + 1)));
        }
        return JSON.writeValueAsString(new RegistrationBody(version, lease == null ? null : lease.toSeconds(), declared));
    }

    @Override
    void done(String body, PrintWriter out) {
        JsonNode daemon = JSON.readTree(body);
        List<String> types = new ArrayList<>();
        daemon.path("conditions").values().forEach(c -> types.add(c.path("type").asString() + "=" + c.path("status").asString()));
        out.println("registered " + daemon.path("name").asString() + ": owns " + types + ", lease " + daemon.path("leaseSeconds").asString()
                + "s until " + daemon.path("expiresAt").asString());
    }
}
