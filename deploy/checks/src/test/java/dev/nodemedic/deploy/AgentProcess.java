package dev.nodemedic.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The agent distribution's launcher, run as an operator runs it. Its servers bind port 0 and the test
 * reads the ports from the agent's start line, so no fixed port can collide with another agent.
 */
final class AgentProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("agent started .* status=http://([^/]+)/ metrics=http://([^/]+)/metrics");

    private final LaunchedProcess launched;
    private final URI status;
    private final URI metrics;

    private AgentProcess(LaunchedProcess launched) {
        this.launched = launched;
        this.status = URI.create("http://" + launched.startLine(1) + "/");
        this.metrics = URI.create("http://" + launched.startLine(2) + "/metrics");
    }

    /** Starts {@code nodemedic run ARGS} and returns once it logged its start line (or fails with its log). */
    static AgentProcess start(DeployTree tree, Path work, List<String> args, Map<String, String> environment) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tree.launcher().toString(), "run"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        // With --local the report socket goes under XDG_RUNTIME_DIR: this run's own, not another agent's.
        builder.environment().put("XDG_RUNTIME_DIR", work.toString());
        builder.environment().putAll(environment);
        return new AgentProcess(LaunchedProcess.start("the agent", builder, work.resolve("agent.log"), STARTED));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return launched.get(status.resolve(path));
    }

    String scrape() throws IOException, InterruptedException {
        return launched.scrape(metrics);
    }

    String log() throws IOException {
        return launched.log();
    }

    /** SIGTERM, as the kubelet stops a pod: the agent stops its daemons and exits. */
    @Override
    public void close() {
        launched.close();
    }
}
