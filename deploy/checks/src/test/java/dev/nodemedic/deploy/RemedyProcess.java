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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remedy controller's distribution, run as an operator runs it ({@code nodemedic-remedy run}),
 * with its server on port 0 and the port read from its start line.
 */
final class RemedyProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("remedy controller started .* probes=http://([^ ]+)/healthz");
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RemedyProcess(Process process, Path log, URI metrics) {
        this.process = process;
        this.log = log;
        this.metrics = metrics;
    }

    static RemedyProcess start(DeployTree tree, Path work, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tree.remedyLauncher().toString(), "run"));
        command.addAll(args);
        Path log = work.resolve("remedy.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plus(START_BOUND);
        while (Instant.now().isBefore(deadline)) {
            Matcher started = STARTED.matcher(Files.readString(log));
            if (started.find()) {
                return new RemedyProcess(process, log, URI.create("http://" + started.group(1) + "/metrics"));
            }
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the remedy controller exited " + process.exitValue() + " before it started:\n" + Files.readString(log));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the remedy controller did not start within " + START_BOUND + ":\n" + Files.readString(log));
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
