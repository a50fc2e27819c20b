package dev.nodemedic.daemons.customplugin;

import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Healthy;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Problem;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Unknown;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs one check script with NPD's protocol and never lets it hurt the agent: a bounded wait, bounded
 * output, the whole process tree killed on timeout, and every way of failing turned into an
 * {@link Unknown} that names the script and what to do.
 */
final class ScriptRunner {
    /** NPD reads at most 4 KiB of each pipe (maxCustomPluginBufferBytes) and discards the rest. */
    static final int NPD_CAPTURE_BYTES = 4096;
    /** How often the script's process tree is looked at while it runs; a walk of /proc costs about a millisecond. */
    private static final Duration TREE_POLL = Duration.ofMillis(100);
    /** After SIGKILL, how long the script and its pipes get to go away; only a process stuck in D state takes longer. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(2);
    /** Characters of stderr quoted in an Unknown's message when stdout said nothing. */
    private static final int STDERR_QUOTED = 200;
    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    private final ThreadFactory threads;
    private final Optional<OrphanReaper> reaper;
    private final System.Logger logger;
    private final ScriptEnvironment environment;

    ScriptRunner(ThreadFactory threads, Optional<OrphanReaper> reaper, System.Logger logger, ScriptEnvironment environment) {
        this.threads = threads;
        this.environment = environment;
        this.reaper = reaper;
        this.logger = logger;
    }

    /**
     * Runs {@code rule}'s script once.
     *
     * @param maxOutputLength UTF-8 bytes of stdout kept as the message (pluginConfig.max_output_length)
     * @throws InterruptedException when the daemon is stopping; the script's tree is killed first
     */
    CheckOutcome run(Rule rule, Duration timeout, int maxOutputLength) throws InterruptedException {
        Path script = Path.of(rule.path()).toAbsolutePath().normalize();
        if (!Files.exists(script)) {
            return new Unknown("CheckNotFound", script + " does not exist" + (Path.of(rule.path()).isAbsolute() ? ""
                    : " (relative paths are resolved against the agent's working directory, as NPD does)")
                    + "; install the script there or fix the rule's path");
        }
        if (Files.isDirectory(script) || !Files.isExecutable(script)) {
            return new Unknown("CheckNotExecutable", script + " is " + (Files.isDirectory(script) ? "a directory" : "not executable by the agent")
                    + "; make it an executable file (chmod +x), it is run directly as NPD does, with its #! line");
        }
        List<String> command = new ArrayList<>(rule.args().size() + 1);
        command.add(script.toString());
        command.addAll(rule.args());
        Process process;
        String tag = UUID.randomUUID().toString();
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            environment.applyTo(builder, ProcessTree.TAG_VARIABLE, tag);
            process = builder.start();
        } catch (IOException e) {
            return new Unknown("CheckFailedToStart", script + " could not be started (" + e.getMessage()
                    + "); check that the interpreter on its #! line exists in the agent's container");
        }
        ProcessTree tree = new ProcessTree(process, tag);
        try {
            return await(rule, script, process, tree, timeout, maxOutputLength);
        } catch (InterruptedException e) {
            // The daemon is stopping: leave nothing behind, then stop.
            if (tree.kill() > 0) {
                tree.reap(reaper, AFTER_KILL);
            }
            throw e;
        }
    }

    private CheckOutcome await(Rule rule, Path script, Process process, ProcessTree tree, Duration timeout, int maxOutputLength)
            throws InterruptedException {
        String name = rule.scriptName();
        try {
            // Nothing is ever written to a check: its stdin is at end of file, as NPD's /dev/null.
            process.getOutputStream().close();
        } catch (IOException e) {
            logger.log(Level.DEBUG, "closing a check's stdin failed script={0} why=\"{1}\"", script, e);
        }
        // NPD's 4 KiB leaves room for the white space stripped before the cut: past Condition.MAX_MESSAGE_BYTES
        // (1 KiB) the node shows no more, whatever max_output_length says.
        OutputCapture stdout = new OutputCapture(process.getInputStream(), NPD_CAPTURE_BYTES);
        OutputCapture stderr = new OutputCapture(process.getErrorStream(), NPD_CAPTURE_BYTES);
        threads.newThread(stdout).start();
        threads.newThread(stderr).start();

        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exited = false;
        while (!exited) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            exited = process.waitFor(Math.min(left, TREE_POLL.toNanos()), TimeUnit.NANOSECONDS);
            if (!exited) {
                tree.remember();
            }
        }
        int killed = 0;
        if (!exited) {
            killed = tree.kill();
            process.waitFor(AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
        } else if (!stdout.awaitEnd(remaining(deadline)) || !stderr.awaitEnd(remaining(deadline))) {
            // The script exited but a process it left running still holds its stdout or stderr open (the JDK
            // closes its end of the pipe at exit only when no read is under way). NPD waits for the end of
            // output up to the timeout and then kills the script's process group; so do we, with the
            // processes tagged as this run's. The answer is still the exit status the script gave.
            killed = tree.kill();
            logger.log(Level.WARNING, "a process left running by a check held its output open until the timeout and was killed;"
                    + " send background processes'' output elsewhere (cmd >/dev/null 2>&1 &) script={0} timeout={1}", script, GoDuration.formatShort(timeout));
        }
        boolean ended = stdout.awaitEnd(AFTER_KILL) & stderr.awaitEnd(AFTER_KILL);
        if (killed > 0) {
            List<Long> left = tree.reap(reaper, AFTER_KILL);
            if (!left.isEmpty()) {
                logger.log(Level.WARNING, "killed check processes did not go away script={0} pids={1}", script, left);
            }
        }
        if (!ended) {
            logger.log(Level.WARNING, "a check''s output is still held open by a process outside its tree; its reader is abandoned script={0}", script);
        }
        String output = cut(stdout.text(), maxOutputLength);
        if (!exited) {
            return new Unknown("CheckTimedOut", name + " did not finish within " + GoDuration.formatShort(timeout) + " and was killed"
                    + (killed > 0 ? " with " + killed + " process" + (killed == 1 ? "" : "es") + " it started" : "")
                    + (output.isEmpty() ? "" : "; its output: \"" + output + "\""));
        }
        if (stdout.failed()) {
            return new Unknown("CheckOutputUnreadable", "the output of " + name + " could not be read; it exited with status " + process.exitValue());
        }
        int status = process.exitValue();
        return switch (status) {
            case 0 -> new Healthy(output);
            case 1 -> new Problem(output);
            default -> unknown(name, status, output, cut(stderr.text(), STDERR_QUOTED));
        };
    }

    private static CheckOutcome unknown(String name, int status, String output, String stderr) {
        // Java reports a process killed by signal N as exit status 128 + N, as shells do.
        if (status > 128 && status <= 128 + 64) {
            int signal = status - 128;
            return new Unknown("CheckKilledBySignal", name + " was killed by signal " + signal + " (" + SIGNALS.getOrDefault(signal, "signal " + signal)
                    + ", exit status " + status + ")" + (output.isEmpty() ? "" : "; its output: \"" + output + "\""));
        }
        if (!output.isEmpty()) {
            // The script's own words for why it cannot tell, as NPD shows them.
            return new Unknown("CheckUnknown", output);
        }
        return new Unknown("CheckUnknown", name + " exited with status " + status + " and printed nothing"
                + (stderr.isEmpty() ? "" : " on stdout (stderr: \"" + stderr + "\")")
                + "; a check exits 0 for OK, 1 for a problem, anything else for unknown");
    }

    /**
     * The first {@code max} UTF-8 bytes, as NPD cuts stdout to {@code max_output_length} bytes, but at a
     * character boundary: NPD's cut can end inside a character, which the API server then rejects or mangles.
     */
    static String cut(String text, int max) {
        if (max == 0) {
            return "";
        }
        if (text.length() * 3L <= max) {
            return text;
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes > max) {
                return text.substring(0, i).strip();
            }
            i += Character.charCount(codePoint);
        }
        return text;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
