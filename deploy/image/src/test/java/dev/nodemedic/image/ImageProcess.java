package dev.nodemedic.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command in an unpacked image the way a container runtime starts it, without one: in new
 * mount, PID and network namespaces (so the command is PID 1, sees its own /proc and binds its ports
 * where nothing else listens), with the host's /dev,
 * chroot'ed into the image root, as the image's user, with only the image's environment, in its
 * working directory. Root does this with chroot; anyone else needs an unprivileged user namespace,
 * in which the command runs as the namespace's root instead of the image's user.
 */
final class ImageProcess {
    record Result(int exit, String output) {
    }

    /** Inside the new namespaces: /dev from the host, then chroot with the rest of the arguments. */
    private static final String ENTER = "mount --rbind /dev \"$1/dev\"; shift; exec chroot \"$@\"";
    /** Inside the image: its own sh moves to the working directory and runs the command. */
    private static final String IN_WORKING_DIR = "cd \"$0\" && exec \"$@\"";

    private final ImageRoot root;
    private final ImageConfig config;
    private final Path work;

    ImageProcess(ImageRoot root, ImageConfig config, Path work) {
        this.root = root;
        this.config = config;
        this.work = work;
    }

    /** Whether this test can enter an image at all, and if not, why and what to do. */
    static String unavailableBecause() throws IOException, InterruptedException {
        if (isRoot()) {
            return "";
        }
        Process probe = new ProcessBuilder("unshare", "--map-root-user", "true").redirectErrorStream(true).start();
        if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
            return "";
        }
        return "running the image's root file system needs root (chroot) or unprivileged user namespaces (unshare --map-root-user), and this build has neither: "
                + new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()
                + "; run the build as root, as CI does";
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    Result run(List<String> command, List<String> extraEnv, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile(work, "output", ".txt");
        Process process = new ProcessBuilder(argv(command, extraEnv, true)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(process);
            throw new AssertionError(String.join(" ", command) + " did not finish in the image within " + timeout + "; it printed:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /**
     * Starts a server in the image, in the host's network namespace (as a pod with host networking), so
     * it reaches servers the test runs and the test reaches it. Closing it kills it.
     */
    Server serve(List<String> command, List<String> extraEnv) throws IOException {
        Path output = Files.createTempFile(work, "output", ".txt");
        Process process = new ProcessBuilder(argv(command, extraEnv, false)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new Server(String.join(" ", command), process, output);
    }

    record Server(String command, Process process, Path output) implements AutoCloseable {
        String printed() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws InterruptedException {
            kill(process);
        }
    }

    /**
     * Kills what runs in the image. unshare's --kill-child does not reach it once chroot --userspec has
     * changed the user (the kernel clears the death signal then), so this kills the new PID namespace's
     * first process, unshare's child, with which the kernel ends every process of the namespace.
     */
    private static void kill(Process unshare) throws InterruptedException {
        for (ProcessHandle first : unshare.children().toList()) {
            first.destroyForcibly();
            try {
                first.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("process " + first.pid() + " in the image did not end within 30s of SIGKILL", e);
            }
        }
        if (!unshare.destroyForcibly().waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("unshare (process " + unshare.pid() + ") did not end within 30s of SIGKILL");
        }
    }

    private List<String> argv(List<String> command, List<String> extraEnv, boolean ownNetwork) throws IOException {
        List<String> argv = new ArrayList<>(List.of("unshare"));
        boolean root = isRoot();
        if (!root) {
            argv.add("--map-root-user");
        }
        argv.addAll(List.of("--mount", "--pid", "--fork", "--kill-child", "--mount-proc=" + this.root.path().resolve("proc")));
        if (ownNetwork) {
            argv.add("--net");
        }
        argv.addAll(List.of("sh", "-euc", ENTER, "enter-image", this.root.path().toString()));
        if (root && !config.user().isEmpty()) {
            argv.add("--userspec=" + config.user());
        }
        argv.add(this.root.path().toString());
        argv.addAll(List.of("/usr/bin/env", "-i"));
        argv.addAll(config.envWords());
        argv.addAll(extraEnv);
        argv.addAll(List.of("/bin/sh", "-c", IN_WORKING_DIR, config.workingDir().isEmpty() ? "/" : config.workingDir()));
        argv.addAll(command);
        return argv;
    }
}
