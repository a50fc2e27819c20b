package dev.nodemedic.daemons.customplugin;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemons.npdrules.DeclaredConditions;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * One custom-plugin instance's config file: NPD's custom-plugin-monitor format
 * ({@code custom-plugin-monitor.json}, {@code network-problem-monitor.json}, ...), which loads unchanged.
 *
 * @param plugin           NPD's plugin name; only {@code custom} exists (absent: custom)
 * @param pluginConfig     interval, timeouts, output length, concurrency
 * @param source           the source of this instance's events, such as {@code ntp-custom-plugin-monitor}
 * @param metricsReporting NPD's switch for problem_counter/problem_gauge; the reporter derives them from what we report
 * @param conditions       the condition types this instance owns and their healthy defaults
 * @param rules            the check scripts
 * @param environment      nodemedic's own: names of the agent's environment variables passed on to the scripts
 *                         beyond the few every script gets ({@link ScriptEnvironment#ALWAYS}, {@code LC_*});
 *                         NPD's scripts inherit NPD's whole environment, ours only these
 */
public record CustomPluginConfig(String plugin, PluginConfig pluginConfig, String source, Boolean metricsReporting,
                                 List<ConditionDeclaration> conditions, List<Rule> rules, List<String> environment) {
    static final String CUSTOM = "custom";

    public CustomPluginConfig {
        plugin = plugin == null ? CUSTOM : plugin;
        pluginConfig = pluginConfig == null ? PluginConfig.DEFAULTS : pluginConfig;
        source = source == null || source.isBlank() ? "custom-plugin-monitor" : source;
        metricsReporting = metricsReporting == null || metricsReporting;
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        rules = rules == null ? List.of() : List.copyOf(rules);
        environment = environment == null ? List.of() : List.copyOf(environment);

        if (!plugin.equals(CUSTOM)) {
            throw new IllegalArgumentException("plugin: \"" + plugin + "\" is not supported; the custom plugin monitor runs check scripts, write \"custom\"");
        }
        for (int i = 0; i < environment.size(); i++) {
            if (!ScriptEnvironment.NAME.matcher(environment.get(i)).matches()) {
                throw new IllegalArgumentException("environment[" + i + "]: \"" + environment.get(i) + "\" is not an environment variable name;"
                        + " write the name of one of the agent's variables to pass on to the scripts, such as HTTPS_PROXY");
            }
            if (environment.get(i).equals(ProcessTree.TAG_VARIABLE)) {
                throw new IllegalArgumentException("environment[" + i + "]: " + ProcessTree.TAG_VARIABLE
                        + " is set by the daemon for every run (it finds a check's processes); remove it");
            }
        }
        // Checked here so that a bad file is refused when it binds, naming the entry at fault.
        new DeclaredConditions(conditions, rules);
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            // NPD refuses this too: the global timeout bounds every script, so a longer rule timeout is a mistake.
            if (rule.timeout().isPresent() && rule.timeout().get().compareTo(pluginConfig.timeout()) > 0) {
                throw new IllegalArgumentException("rules[" + i + "].timeout: " + rule.timeout().get() + " is longer than pluginConfig.timeout "
                        + pluginConfig.timeout() + "; shorten it or raise pluginConfig.timeout");
            }
        }
    }

    /** How long {@code rule} may run. */
    Duration timeoutOf(Rule rule) {
        return rule.timeout().orElse(pluginConfig.timeout());
    }

    /** The condition types this instance owns, for {@code ProblemDaemon.conditions}. */
    public List<ConditionDeclaration> declarations() {
        return conditions;
    }

    /**
     * What this instance can report, for {@code ProblemDaemon.reasons}: each temporary rule's event
     * reason and each permanent rule's condition with its reason, as NPD's
     * {@code initializeProblemMetricsOrDie} declares them; with a temporary rule, also the reasons of
     * the Event a check that gives no answer becomes ({@link CheckOutcome.Unknown#REASONS}).
     */
    public List<ReasonDeclaration> reasons() {
        Stream<ReasonDeclaration> fromRules = new DeclaredConditions(conditions, rules).reasons().stream();
        Stream<ReasonDeclaration> noAnswer = rules.stream().anyMatch(rule -> rule.type() == RuleType.TEMPORARY)
                ? CheckOutcome.Unknown.REASONS.stream().map(ReasonDeclaration::event)
                : Stream.empty();
        return Stream.concat(fromRules, noAnswer).distinct().toList();
    }

    /** The healthy default of {@code type}, which the constructor checked is declared. */
    ConditionDeclaration healthy(String type) {
        return new DeclaredConditions(conditions, rules).healthy(type);
    }
}
