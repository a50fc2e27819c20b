package dev.nodemedic.deploy;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The process a container of a pod runs: its {@code command} and {@code args} over its image's
 * {@code Entrypoint} and {@code Cmd}, combined as the kubelet and containerd's CRI plugin combine them
 * (containerd {@code pkg/cri/opts/spec.go}, {@code WithProcessArgs}, after Docker's rule):
 * {@code command} replaces the entrypoint, {@code args} replace {@code Cmd}, and a {@code command} without
 * {@code args} runs without the image's {@code Cmd}.
 */
record ContainerCommand(List<String> argv) {
    ContainerCommand {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command: neither the container nor its image gives one; the runtime refuses to create it");
        }
        argv = List.copyOf(argv);
    }

    static ContainerCommand of(ImageConfig image, List<String> command, List<String> args) {
        List<String> process = new ArrayList<>();
        if (command.isEmpty()) {
            process.addAll(image.entrypoint());
            process.addAll(args.isEmpty() ? image.cmd() : args);
        } else {
            process.addAll(command);
            process.addAll(args);
        }
        // The kubelet expands $(VAR) from the container's env before this; the manifests use none, and
        // running one unexpanded would test something the kubelet never runs.
        process.stream().filter(a -> a.contains("$(")).findFirst().ifPresent(a -> {
            throw new IllegalArgumentException("argument " + a + " names a $(VAR), which the kubelet would expand and this harness does not");
        });
        return new ContainerCommand(process);
    }

    /** For a rendered container ({@code command}, {@code args} as in the pod spec). */
    static ContainerCommand of(ImageConfig image, JsonNode container) {
        return of(image, ImageConfig.strings(container.path("command")), ImageConfig.strings(container.path("args")));
    }
}
