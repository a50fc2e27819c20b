package dev.nodemedic.deploy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The remedy controller's distribution, run as an operator runs it ({@code nodemedic-remedy run}),
 * with its server on port 0 and the port read from its start line.
 */
final class RemedyProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("remedy controller started .* probes=http://([^ ]+)/healthz");

    private final LaunchedProcess launched;
    private final URI metrics;

    private RemedyProcess(LaunchedProcess launched) {
        this.launched = launched;
        this.metrics = URI.create("http://" + launched.startLine(1) + "/metrics");
    }

    static RemedyProcess start(DeployTree tree, Path work, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tree.remedyLauncher().toString(), "run"));
        command.addAll(args);
        return new RemedyProcess(LaunchedProcess.start("the remedy controller", new ProcessBuilder(command), work.resolve("remedy.log"), STARTED));
    }

    String scrape() throws IOException, InterruptedException {
        return launched.scrape(metrics);
    }

    String log() throws IOException {
        return launched.log();
    }

    /** SIGKILL: the controller gets no chance to give its Lease up. */
    void kill() throws InterruptedException {
        launched.kill();
    }

    /** SIGTERM, as the kubelet stops a pod, and waits for the process to exit. */
    @Override
    public void close() {
        launched.close();
    }
}
