package dev.nodemedic.daemon.api;

/**
 * Where the agent names its own config file for the programs it starts. A daemon that runs programs
 * (custom-plugin's check scripts) may start nodemedic's own commands through them (NPD's helpers
 * {@code log-counter} and {@code health-checker}); those load the plugins folder's jars by themselves and
 * must apply the {@code pluginDigests} of the config the agent runs with, not the installation's
 * {@code config/nodemedic.yaml} (in a pod, the image's while the agent runs the ConfigMap's). So a daemon
 * reads {@link #SYSTEM_PROPERTY} and passes it to what it starts as {@link #ENVIRONMENT_VARIABLE}.
 *
 * @since 1.5.0
 */
public final class AgentConfigFile {
    /**
     * The system property {@code nodemedic run} sets to the absolute path of its {@code --config}: a JVM
     * cannot change its own environment, so the agent says it here. Not set when it runs without one.
     */
    public static final String SYSTEM_PROPERTY = "nodemedic.config";
    /** The environment variable a nodemedic command without a {@code --config} of its own reads the agent config's path from. */
    public static final String ENVIRONMENT_VARIABLE = "NODEMEDIC_CONFIG";

    private AgentConfigFile() {
    }
}
