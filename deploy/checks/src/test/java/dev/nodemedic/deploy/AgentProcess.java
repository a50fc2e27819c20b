package dev.nodemedic.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent distribution's launcher, run as an operator runs it. Its servers bind port 0 and the test
 * reads the ports from the agent's start line, so no fixed port can collide with another agent.
 */
final class AgentProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("agent started .* status=http://([^/]+)/ metrics=http://([^/]+)/metrics");
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final URI status;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AgentProcess(Process process, Path log, URI status, URI metrics) {
        this.process = process;
        this.log = log;
        this.status = status;
        this.metrics = metrics;
    }

    /** Starts {@code nodemedic run ARGS} and returns once it logged its start line (or fails with its log). */
    static AgentProcess start(DeployTree tree, Path work, List<String> args, Map<String, String> environment) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tree.launcher().toString(), "run"));
        command.addAll(args);
        Path log = work.resolve("agent.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // With --local the report socket goes under XDG_RUNTIME_DIR: this run's own, not another agent's.
        builder.environment().put("XDG_RUNTIME_DIR", work.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        Instant deadline = Instant.now().plus(START_BOUND);
        while (Instant.now().isBefore(deadline)) {
            Matcher started = STARTED.matcher(Files.readString(log));
            if (started.find()) {
                return new AgentProcess(process, log, URI.create("http://" + started.group(1) + "/"), URI.create("http://" + started.group(2) + "/metrics"));
            }
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the agent exited " + process.exitValue() + " before it started:\n" + Files.readString(log));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the agent did not start within " + START_BOUND + ":\n" + Files.readString(log));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(status.resolve(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(metrics + " answered " + response.statusCode());
        }
        return response.body();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        // SIGTERM, as the kubelet stops a pod: the agent stops its daemons and exits.
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
