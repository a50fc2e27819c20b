package dev.nodemedic.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nodemedic.core.remote.ReportClient;
import dev.nodemedic.core.remote.ReportSocket;
import io.vertx.core.http.HttpMethod;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code nodemedic report …}: a daemon in its own container (a shell script in a sidecar) reports to
 * the agent's socket. Exit codes are meant for the script to act on.
 */
@Command(name = "report", description = {"Reports to a running agent over its report socket, as a daemon in its own container would.",
        "Register once, then set conditions and emit events; each report renews the lease."},
        subcommands = {ReportCommand.Register.class, ReportCommand.SetCondition.class, ReportCommand.Emit.class, ReportCommand.Renew.class,
                ReportCommand.Unregister.class, ReportCommand.Get.class},
        footer = {"", "Exit codes: 0 done; 2 refused or bad request (the message names the field); 3 agent unreachable;",
                "4 not registered or lease expired (register again); 5 rate limited (slow down); 1 the agent failed."})
final class ReportCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int AGENT_FAILED = 1;
    static final int REFUSED = 2;
    static final int UNREACHABLE = 3;
    static final int NOT_REGISTERED = 4;
    static final int RATE_LIMITED = 5;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return OK;
    }

    /** The options every report command takes. */
    static final class Connection {
        @Option(names = "--socket", paramLabel = "PATH", description = {"The agent's report socket. Default: $NODEMEDIC_REPORT_SOCKET, else",
                "/run/nodemedic/report.sock, else a local agent's ($XDG_RUNTIME_DIR/nodemedic/report.sock)."})
        Path socket;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = RunCommand.DurationConverter.class, defaultValue = "10s",
                description = "How long to wait for the agent (default ${DEFAULT-VALUE}).")
        Duration timeout;

        Path resolve() {
            if (socket != null) {
                return socket;
            }
            Map<String, String> env = System.getenv();
            String configured = env.get("NODEMEDIC_REPORT_SOCKET");
            if (configured != null && !configured.isBlank()) {
                return Path.of(configured);
            }
            List<Path> candidates = ReportSocket.clientDefaults(env);
            return candidates.stream().filter(Files::exists).findFirst().orElse(candidates.getFirst());
        }
    }

    /** One request, its reply turned into an exit code and a line for the script's log. */
    abstract static class Request implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Override
        public final Integer call() throws Exception {
            LogFormat.text.install(Level.SEVERE);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path socket = connection.resolve();
            try (ReportClient client = new ReportClient(socket, connection.timeout)) {
                return switch (client.send(method(), path(), body())) {
                    case ReportClient.Reply.Unreachable unreachable -> {
                        err.println("nodemedic report: the agent is unreachable on " + socket + " (" + unreachable.why() + "); is it running, and is"
                                + " its socket mounted here? (--socket or NODEMEDIC_REPORT_SOCKET)");
                        yield UNREACHABLE;
                    }
                    case ReportClient.Reply.Answered answered when answered.code() / 100 == 2 -> {
                        done(answered.body(), out);
                        yield OK;
                    }
                    case ReportClient.Reply.Answered answered -> refused(answered, err);
                };
            }
        }

        abstract HttpMethod method();

        abstract String path();

        String body() throws Exception {
            return "";
        }

        void done(String body, PrintWriter out) {
        }

        static String daemonPath(String name) {
            return "/v1/daemons/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        }

        private static int refused(ReportClient.Reply.Answered answered, PrintWriter err) {
            String reason = "";
            String field = "";
            String message = answered.body();
            try {
                JsonNode error = JSON.readTree(answered.body());
                reason = error.path("reason").asString("");
                field = error.path("field").asString("");
                message = error.path("message").asString(answered.body());
            } catch (JacksonException notJson) {
                // Not ours (a proxy?): the raw body is the best we have.
            }
            err.println("nodemedic report: " + message + " (HTTP " + answered.code() + (reason.isEmpty() ? "" : " " + reason) + ")");
            if (answered.code() == 410 || answered.code() == 404 && field.equals("name")) {
                return NOT_REGISTERED;
            }
            if (answered.code() == 429) {
                return RATE_LIMITED;
            }
            return answered.code() >= 500 ? AGENT_FAILED : REFUSED;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Declaration(String type, String reason, String message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RegistrationBody(String version, Long leaseSeconds, List<Declaration> conditions) {
    }

    @Command(name = "register", description = {"Registers a daemon with the condition types it owns, or registers it again.",
            "Again: after its lease expired, or to change its conditions; a condition keeps its state across registrations."})
    static final class Register extends Request {
        @Parameters(index = "0", paramLabel = "NAME", description = "The daemon's name: lower-case letters, digits and '-', such as gpu-health.")
        String name;

        @Option(names = {"-c", "--condition"}, paramLabel = "TYPE=REASON[:MESSAGE]",
                description = "A condition type it owns, with its healthy reason and message, such as GpuFailure=GpuIsHealthy:'all GPUs respond'. Repeat for more.")
        List<String> conditions = new ArrayList<>();

        @Option(names = "--lease", paramLabel = "DURATION", converter = RunCommand.DurationConverter.class,
                description = "How long it stays alive without a report or renewal: 5s to 10m (default 30s).")
        Duration lease;

        @Option(names = "--version", paramLabel = "VERSION", description = "The detector's own version, shown on the status page.")
        String version;

        @Override
        HttpMethod method() {
            return HttpMethod.PUT;
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

    record ConditionBody(String status, String reason, String message) {
    }

    @Command(name = "set", description = "Sets one of the daemon's conditions (and renews its lease).")
    static final class SetCondition extends Request {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "TYPE", description = "A condition type the daemon registered, such as GpuFailure.")
        String type;

        @Parameters(index = "2", paramLabel = "STATUS", description = "True (the problem is there), False (it is not) or Unknown.")
        String status;

        @Parameters(index = "3", paramLabel = "REASON", description = "One UpperCamelCase word, such as XidError.")
        String reason;

        @Parameters(index = "4", paramLabel = "MESSAGE", arity = "0..1", description = "A sentence for people.")
        String message = "";

        @Override
        HttpMethod method() {
            return HttpMethod.PUT;
        }

        @Override
        String path() {
            return daemonPath(name) + "/conditions/" + URLEncoder.encode(type, StandardCharsets.UTF_8);
        }

        @Override
        String body() {
            return JSON.writeValueAsString(new ConditionBody(status, reason, message));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventBody(String type, String reason, String message, String source) {
    }

    @Command(name = "event", description = "Emits an event on the node in the daemon's name (and renews its lease).")
    static final class Emit extends Request {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "REASON", description = "One UpperCamelCase word, such as XidError.")
        String reason;

        @Parameters(index = "2", paramLabel = "MESSAGE", description = "A sentence for people.")
        String message;

        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "Warning", description = "Normal or Warning (default ${DEFAULT-VALUE}).")
        String type;

        @Option(names = "--source", paramLabel = "SOURCE", description = "The component that saw it. Default: the daemon's name.")
        String source;

        @Override
        HttpMethod method() {
            return HttpMethod.POST;
        }

        @Override
        String path() {
            return daemonPath(name) + "/events";
        }

        @Override
        String body() {
            return JSON.writeValueAsString(new EventBody(type, reason, message, source));
        }
    }

    @Command(name = "renew", description = "Renews the daemon's lease without reporting anything.")
    static final class Renew extends Request {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        HttpMethod method() {
            return HttpMethod.POST;
        }

        @Override
        String path() {
            return daemonPath(name) + "/lease";
        }
    }

    @Command(name = "unregister", description = "Removes the daemon: its conditions leave the node, as a removed plugin's do.")
    static final class Unregister extends Request {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        HttpMethod method() {
            return HttpMethod.DELETE;
        }

        @Override
        String path() {
            return daemonPath(name);
        }

        @Override
        void done(String body, PrintWriter out) {
            out.println("unregistered " + name);
        }
    }

    @Command(name = "get", description = "Prints the daemon as the agent holds it (state, lease, conditions) as JSON.")
    static final class Get extends Request {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        HttpMethod method() {
            return HttpMethod.GET;
        }

        @Override
        String path() {
            return daemonPath(name);
        }

        @Override
        void done(String body, PrintWriter out) {
            out.println(body);
        }
    }
}
