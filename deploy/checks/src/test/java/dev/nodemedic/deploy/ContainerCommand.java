package dev.nodemedic.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The process a container of a pod runs: its {@code command} and {@code args} over its image's
 * {@code Entrypoint} and {@code Cmd}, combined as the kubelet and containerd's CRI plugin combine them
 * (containerd {@code pkg/cri/opts/spec.go}, {@code WithProcessArgs}, after Docker's rule):
 * {@code command} replaces the entrypoint, {@code args} replace {@code Cmd}, and a {@code command} without
 * {@code args} runs without the image's {@code Cmd}. Before that the kubelet expands {@code $(VAR)} in
 * {@code command} and {@code args} from the container's env ({@code $$} is a literal {@code $}; an unknown
 * name stays as written), as the manifests' {@code --metrics-address=$(POD_IP)} needs.
 */
record ContainerCommand(List<String> argv) {
    ContainerCommand {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command: neither the container nor its image gives one; the runtime refuses to create it");
        }
        argv = List.copyOf(argv);
    }

    static ContainerCommand of(ImageConfig image, List<String> command, List<String> args, Map<String, String> env) {
        List<String> process = new ArrayList<>();
        if (command.isEmpty()) {
            process.addAll(image.entrypoint());
            process.addAll(args.isEmpty() ? image.cmd() : expanded(args, env));
        } else {
            process.addAll(expanded(command, env));
            process.addAll(expanded(args, env));
        }
        return new ContainerCommand(process);
    }

    /** For a rendered container ({@code command}, {@code args} as in the pod spec) and the env it gets. */
    static ContainerCommand of(ImageConfig image, JsonNode container, Map<String, String> env) {
        return of(image, ImageConfig.strings(container.path("command")), ImageConfig.strings(container.path("args")), env);
    }

    private static List<String> expanded(List<String> words, Map<String, String> env) {
        return words.stream().map(word -> expand(word, env)).toList();
    }

    /** The kubelet's expansion (its forked {@code expansion.Expand}): {@code $(NAME)} known, {@code $$}, else as written. */
    static String expand(String word, Map<String, String> env) {
        StringBuilder out = new StringBuilder(word.length());
        int i = 0;
        while (i < word.length()) {
            char c = word.charAt(i);
            if (c != '$' || i + 1 == word.length()) {
                out.append(c);
                i++;
            } else if (word.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (word.charAt(i + 1) == '(' && word.indexOf(')', i + 2) > 0) {
                int close = word.indexOf(')', i + 2);
                String name = word.substring(i + 2, close);
                out.append(env.containsKey(name) ? env.get(name) : word.substring(i, close + 1));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
