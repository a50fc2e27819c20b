package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.GoDuration;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows the kubelet's unit in the systemd journal through {@code journalctl --follow}, as a child
 * process: no native library in the agent, and the journal's own reader handles its files. It starts
 * at the end ({@code --lines=0}): PLEG trouble from before the agent started is not news.
 * {@code --output=cat} gives the kubelet's own line, without the journal's prefix.
 */
final class JournalSource implements KubeletLogSource {
    /** journalctl's last words, kept for the failure message. */
    private static final int MAX_LAST_WORDS = 300;
    /** How long journalctl gets to exit on SIGTERM before it is killed. */
    private static final long EXIT_GRACE_MILLIS = 2000;

    private final Path journalctl;
    private final String unit;
    private final Optional<Path> directory;
    private volatile boolean closed;
    private volatile Process process;

    JournalSource(Path journalctl, String unit, Optional<Path> directory) {
        this.journalctl = journalctl;
        this.unit = unit;
        this.directory = directory;
    }

    List<String> command() {
        List<String> command = new ArrayList<>(List.of(journalctl.toString(), "--unit=" + unit, "--follow", "--lines=0", "--output=cat", "--no-pager"));
        directory.ifPresent(dir -> command.add("--directory=" + dir));
        return command;
    }

    /**
     * The unit's lines since {@code since}, once, without following: NPD health-checker's
     * {@code --log-pattern} count ({@code journalctl --unit U --since T}). journalctl is killed after {@code limit}.
     *
     * @throws IOException when journalctl cannot be run, fails, or runs past {@code limit}
     */
    void readSince(Instant since, Duration limit, Consumer<String> lines) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(journalctl.toString(), "--unit=" + unit, "--since=@" + since.getEpochSecond(), "--output=cat", "--no-pager"));
        directory.ifPresent(dir -> command.add("--directory=" + dir));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException(journalctl + " could not be run: " + e.getMessage(), e);
        }
        // The reader below blocks; ending journalctl at the limit ends the read.
        Thread watchdog = Thread.ofVirtual().name("kubelet-health-journal-limit").start(() -> {
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // The read ended first.
            }
        });
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.accept(line);
            }
        } finally {
            watchdog.interrupt();
        }
        String asked = "\"" + String.join(" ", command) + "\"";
        if (!p.waitFor(EXIT_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
            end(p);
            throw new IOException(asked + " closed its output but did not exit");
        }
        if (p.exitValue() != 0) {
            throw new IOException(asked + " exited with status " + p.exitValue() + (p.exitValue() == 137 ? " (killed after " + GoDuration.formatShort(limit) + ")" : ""));
        }
    }

    @Override
    public String describe() {
        return "journal of " + unit + directory.map(dir -> " in " + dir).orElse("");
    }

    @Override
    public void follow(Sink sink) throws IOException, InterruptedException {
        if (!Files.isExecutable(journalctl)) {
            throw new IOException(journalctl + " is not there to read the kubelet's journal; put journalctl in the agent's image and mount the host's journal, "
                    + "or set pleg.logFile to the file the kubelet logs to");
        }
        Process p;
        try {
            p = new ProcessBuilder(command()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException(journalctl + " could not be run: " + e.getMessage(), e);
        }
        process = p;
        try {
            if (closed) {
                return;
            }
            sink.following();
            String lastWords = "";
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!line.isBlank()) {
                        lastWords = line.length() > MAX_LAST_WORDS ? line.substring(0, MAX_LAST_WORDS) : line;
                    }
                    sink.line(line);
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                throw new IOException(journalctl + " output could not be read: " + e.getMessage(), e);
            }
            if (closed) {
                return;
            }
            int status = p.waitFor();
            // --follow never ends by itself: an exit is a failure whatever its status.
            throw new IOException(journalctl + " exited with status " + status + (lastWords.isEmpty() ? "" : ": " + lastWords));
        } finally {
            end(p);
        }
    }

    @Override
    public void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            p.toHandle().descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
    }

    /** Ends journalctl and anything it started, so no child outlives the daemon. Children first: once their parent is gone they are no longer its descendants. */
    private static void end(Process p) {
        p.toHandle().descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (p.waitFor(EXIT_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
