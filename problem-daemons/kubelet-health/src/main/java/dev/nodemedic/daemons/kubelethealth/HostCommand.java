package dev.nodemedic.daemons.kubelethealth;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command on the host with a timeout and keeps the start of what it printed, for messages.
 * A command over its timeout is killed with everything it started. The command (the repair's comes from the
 * config) gets the agent's {@code PATH}, locale and time zone and nothing else of its environment: the
 * service account's {@code KUBERNETES_*} variables and whatever else the agent's pod carries are not its business.
 */
final class HostCommand {
    /** Output kept; the rest is read and dropped, so a chatty command can neither block on a full pipe nor fill memory. */
    private static final int MAX_OUTPUT_BYTES = 4096;
    /** How long output may still arrive after the command exited (from a child it left behind, say). */
    private static final long OUTPUT_GRACE_MILLIS = 1000;

    /** How a run ended. */
    sealed interface Result {
        record Exited(int status, String output) implements Result {
        }

        record TimedOut(Duration timeout) implements Result {
        }

        record NotRun(String why) implements Result {
        }
    }

    /** What a command may see of the agent's environment: where programs are, and how to print text and dates. */
    private static final Set<String> PASSED = Set.of("PATH", "LANG", "TZ");
    private static final String LOCALE_PREFIX = "LC_";

    private final Duration timeout;

    HostCommand(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs {@code command} with {@code environment} added to what it may see of the agent's, output and errors together. */
    Result run(List<String> command, Map<String, String> environment) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(name -> !PASSED.contains(name) && !name.startsWith(LOCALE_PREFIX));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result.NotRun(e.getMessage());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("kubelet-health-command-output").start(() -> drain(process.getInputStream(), output));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                return new Result.TimedOut(timeout);
            }
            reader.join(OUTPUT_GRACE_MILLIS);
            String text;
            synchronized (output) {
                text = output.toString(StandardCharsets.UTF_8);
            }
            return new Result.Exited(process.exitValue(), text.strip());
        } finally {
            kill(process);
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream output) {
        byte[] chunk = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                synchronized (output) {
                    output.write(chunk, 0, Math.min(n, MAX_OUTPUT_BYTES - output.size()));
                }
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; what was read so far is what there is.
        }
    }

    /** Children first: once their parent is gone they are no longer its descendants. */
    private static void kill(Process process) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The command as one would type it, for messages. */
    static String text(List<String> command) {
        return String.join(" ", command);
    }
}
