package dev.nodemedic.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One-shot commands of the agent distribution ({@code nodemedic check-config ...}). */
record Launcher(DeployTree tree) {
    record Result(int exit, String output) {
    }

    Result run(Path work, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tree.launcher().toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(work, "launcher", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 2 minutes");
        }
        return new Result(process.exitValue(), Files.readString(output));
    }
}
