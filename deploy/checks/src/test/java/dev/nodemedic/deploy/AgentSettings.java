package dev.nodemedic.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;

/**
 * The agent's config and rules as a render ships them (ConfigMaps nodemedic-config and
 * nodemedic-rules), and laid out on disk as the DaemonSet mounts them: config/ and rules/ side by side.
 */
record AgentSettings(String source, Map<String, String> config, Map<String, String> rules) {
    static AgentSettings of(Manifests rendered) {
        return new AgentSettings(rendered.source(), data(rendered.configMap("nodemedic-config")), data(rendered.configMap("nodemedic-rules")));
    }

    private static Map<String, String> data(JsonNode configMap) {
        Map<String, String> files = new TreeMap<>();
        configMap.path("data").properties().forEach(e -> files.put(e.getKey(), e.getValue().asString()));
        return Map.copyOf(files);
    }

    JsonNode agentConfig() {
        String text = config.get("nodemedic.yaml");
        if (text == null) {
            throw new AssertionError(source + ": ConfigMap nodemedic-config has no nodemedic.yaml");
        }
        return Manifests.parseYaml(text);
    }

    int statusPort() {
        return agentConfig().at("/status/port").asInt(20256);
    }

    int metricsPort() {
        return agentConfig().at("/metrics/port").asInt(20257);
    }

    /** Writes both ConfigMaps' files under root (root/config, root/rules); returns the agent config file. */
    Path writeTo(Path root, UnaryOperator<String> agentConfigEdit) throws IOException {
        Path configDir = Files.createDirectories(root.resolve("config"));
        Path rulesDir = Files.createDirectories(root.resolve("rules"));
        for (var file : config.entrySet()) {
            String text = file.getKey().equals("nodemedic.yaml") ? agentConfigEdit.apply(file.getValue()) : file.getValue();
            Files.writeString(configDir.resolve(file.getKey()), text);
        }
        for (var file : rules.entrySet()) {
            Files.writeString(rulesDir.resolve(file.getKey()), file.getValue());
        }
        return configDir.resolve("nodemedic.yaml");
    }
}
