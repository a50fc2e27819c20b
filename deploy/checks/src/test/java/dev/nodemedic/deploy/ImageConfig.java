package dev.nodemedic.deploy;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What an image's config gives a container that does not say otherwise, as containerd holds it after
 * {@code ctr images import}.
 *
 * @param entrypoint {@code Entrypoint}
 * @param cmd {@code Cmd}
 * @param env {@code Env}, {@code NAME=value}
 * @param workingDir {@code WorkingDir}, {@code /} when the image has none
 * @param user {@code User}, {@code uid[:gid]}; empty for root
 * @param platform {@code os/architecture}
 */
record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user, String platform) {
    ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        if (!user.isEmpty() && !user.matches("[0-9]+(:[0-9]+)?")) {
            throw new IllegalArgumentException("image user " + user + " is not numeric uid[:gid]; a name needs the image's /etc/passwd, which this harness does not read");
        }
    }

    /** From the OCI image config document (its top level, with {@code config}, {@code os} and {@code architecture}). */
    static ImageConfig parse(JsonNode document) {
        JsonNode config = document.path("config");
        return new ImageConfig(strings(config.path("Entrypoint")), strings(config.path("Cmd")), strings(config.path("Env")),
                config.path("WorkingDir").asString("").isEmpty() ? "/" : config.path("WorkingDir").asString(), config.path("User").asString(""),
                document.path("os").asString() + "/" + document.path("architecture").asString());
    }

    static List<String> strings(JsonNode array) {
        return array.values().stream().map(JsonNode::asString).toList();
    }
}
