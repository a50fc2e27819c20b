package dev.nodemedic.daemons.customplugin;

import dev.nodemedic.daemon.api.AgentConfigFile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The environment a check script runs with: a few variables of the agent's own that scripts need to find
 * programs and print text, plus those the config names, and nothing else. NPD's scripts inherit NPD's
 * whole environment; the agent's holds what a script has no business reading (the service account's
 * {@code KUBERNETES_*} service variables, proxy credentials, anything an operator put in the pod's env), and a
 * script is the one thing in the agent written by someone else.
 */
final class ScriptEnvironment {
    /**
     * Passed on when the agent has them: where programs are ({@code PATH}), a home for tools that want one,
     * a temporary directory, the locale and time zone (output and dates a script parses), and the node's
     * name, which NPD's DaemonSet sets from the downward API and scripts may report. And what NPD's own
     * helper programs read from their environment ({@code HOST_ADDRESS}, {@code KUBELET_PORT},
     * {@code KUBEPROXY_PORT}: where health-checker asks), with {@code JAVA_HOME} for our launcher of them:
     * NPD's config files have no {@code environment} list to name them, and without them health-checker
     * would ask 127.0.0.1, find nothing and, with {@code --enable-repair=true}, kill a healthy kubelet.
     * And {@link AgentConfigFile#ENVIRONMENT_VARIABLE}, where those helpers find the agent config's {@code pluginDigests}.
     */
    static final Set<String> ALWAYS = Set.of("PATH", "HOME", "TMPDIR", "LANG", "LANGUAGE", "TZ", "NODE_NAME",
            "HOST_ADDRESS", "KUBELET_PORT", "KUBEPROXY_PORT", "JAVA_HOME", AgentConfigFile.ENVIRONMENT_VARIABLE);
    /** The locale categories (LC_ALL, LC_CTYPE, …) go with LANG. */
    private static final String LOCALE_PREFIX = "LC_";
    /** A portable environment variable name (POSIX.1-2017, 8.1). */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> variables;

    /**
     * @param agent the agent's environment ({@code System.getenv()})
     * @param named the config's {@code environment}: more of the agent's variables to pass on, by name
     */
    ScriptEnvironment(Map<String, String> agent, List<String> named) {
        this(agent, Optional.empty(), named);
    }

    /** The environment of the agent this daemon runs in: its variables, and the config it was started with. */
    static ScriptEnvironment ofThisAgent(List<String> named) {
        return new ScriptEnvironment(System.getenv(), Optional.ofNullable(System.getProperty(AgentConfigFile.SYSTEM_PROPERTY)).filter(p -> !p.isBlank()), named);
    }

    /**
     * @param agent       the agent's environment ({@code System.getenv()})
     * @param agentConfig the agent config the agent was started with ({@link AgentConfigFile#SYSTEM_PROPERTY}): the scripts'
     *                    {@link AgentConfigFile#ENVIRONMENT_VARIABLE}, over whatever the agent's environment had there
     * @param named       the config's {@code environment}: more of the agent's variables to pass on, by name
     */
    ScriptEnvironment(Map<String, String> agent, Optional<String> agentConfig, List<String> named) {
        Map<String, String> passed = new TreeMap<>();
        agent.forEach((name, value) -> {
            if (ALWAYS.contains(name) || name.startsWith(LOCALE_PREFIX) || named.contains(name)) {
                passed.put(name, value);
            }
        });
        agentConfig.ifPresent(file -> passed.put(AgentConfigFile.ENVIRONMENT_VARIABLE, file));
        this.variables = Map.copyOf(passed);
    }

    /** Replaces {@code builder}'s environment, inherited from the agent, with this one plus {@code tag}. */
    void applyTo(ProcessBuilder builder, String tagVariable, String tag) {
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(variables);
        environment.put(tagVariable, tag);
    }

    /** The names passed on, for the start log line; never the values, which may be secrets the operator chose to pass. */
    Set<String> names() {
        return variables.keySet();
    }
}
