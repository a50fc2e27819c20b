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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A distribution's launcher run as a child process, as an operator runs it: started, awaited until it
 * logs its start line (which names the ports it bound, all port 0), read over HTTP, and stopped with
 * SIGTERM as the kubelet stops a pod.
 */
final class LaunchedProcess implements AutoCloseable {
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final Matcher started;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LaunchedProcess(Process process, Path log, Matcher started) {
        this.process = process;
        this.log = log;
        this.started = started;
    }

    /** Starts {@code builder} with its output in {@code log}; returns once the log matches {@code startLine}, or fails with the log. */
    static LaunchedProcess start(String what, ProcessBuilder builder, Path log, Pattern startLine) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plus(START_BOUND);
        while (Instant.now().isBefore(deadline)) {
            Matcher started = startLine.matcher(Files.readString(log));
            if (started.find()) {
                return new LaunchedProcess(process, log, started);
            }
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(what + " exited " + process.exitValue() + " before it started:\n" + Files.readString(log));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(what + " did not start within " + START_BOUND + ":\n" + Files.readString(log));
    }

    /** The start line's group {@code n}: an address it bound. */
    String startLine(int n) {
        return started.group(n);
    }

    HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Prometheus exposition at {@code metrics}; anything but 200 fails. */
    String scrape(URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = get(metrics);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(metrics + " answered " + response.statusCode());
        }
        return response.body();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL, as the kernel's OOM killer or a lost node stops a process: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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
