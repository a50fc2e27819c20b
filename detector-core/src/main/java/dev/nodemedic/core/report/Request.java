package dev.nodemedic.core.report;

import dev.nodemedic.core.LogFormat;
import dev.nodemedic.core.remote.ReportClient;
import io.vertx.core.http.HttpMethod;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One request to the agent, its reply turned into an exit code and a line for the script's log. */
abstract class Request implements Callable<Integer> {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    private final HttpMethod method;

    Request(HttpMethod method) {
        this.method = method;
    }

    @Override
    public final Integer call() throws Exception {
        LogFormat.text.install(Level.SEVERE);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path socket = connection.resolve();
        try (ReportClient client = new ReportClient(socket, connection.timeout)) {
            return switch (client.send(method, path(), body())) {
                case ReportClient.Reply.Unreachable unreachable -> {
                    err.println("nodemedic report: the agent is unreachable on " + socket + " (" + unreachable.why() + "); is it running, and is"
                            + " its socket mounted here? (--socket or NODEMEDIC_REPORT_SOCKET)");
                    yield ReportCommand.UNREACHABLE;
                }
                case ReportClient.Reply.Answered answered when answered.code() / 100 == 2 -> {
                    done(answered.body(), out);
                    yield ReportCommand.OK;
                }
                case ReportClient.Reply.Answered answered -> refused(answered, err);
            };
        }
    }

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
            return ReportCommand.NOT_REGISTERED;
        }
        if (answered.code() == 429) {
            return ReportCommand.RATE_LIMITED;
        }
        return answered.code() >= 500 ? ReportCommand.AGENT_FAILED : ReportCommand.REFUSED;
    }
}
