package dev.nodemedic.daemons.kernellog.config;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemons.kernellog.rules.CompiledRules;
import dev.nodemedic.daemons.kernellog.rules.KernelRules;
import dev.nodemedic.daemons.kernellog.rules.Rule;
import dev.nodemedic.daemons.npdrules.DeclaredConditions;
import java.time.Duration;
import java.util.List;

/**
 * One kernel-log instance's config file: NPD's system-log-monitor format ({@code kernel-monitor.json},
 * {@code docker-monitor.json}, ...), which loads unchanged, plus our optional {@code recoverPattern}
 * and {@code clearAfter} on permanent rules. Bound from {@code {}} it is a working kernel monitor:
 * NPD's kernel rules (with their known mistakes fixed) on whatever kernel log the host has.
 *
 * @param plugin           kmsg, filelog, journald; absent: the first of those the host can read
 * @param pluginConfig     filelog's timestamp/message regexes and Go timestamp layout, journald's source
 * @param skipList         lines containing any of these strings are dropped before matching (NPD's)
 * @param logPath          the device, file or journal directory; empty: the plugin's usual place
 * @param lookback         on start, how far back lines still count (Go duration; NPD's default 0: only new lines)
 * @param delay            lines within this long after boot are ignored (NPD's)
 * @param bufferSize       how many recent lines a pattern is matched against (NPD's default 10)
 * @param source           the source of the events ({@code kernel-monitor})
 * @param metricsReporting NPD's switch for problem_counter/problem_gauge; the reporter derives them from what we report
 * @param conditions       the condition types this instance owns and their healthy defaults
 * @param rules            what to look for
 */
public record KernelLogConfig(SourceKind plugin, PluginConfig pluginConfig, List<String> skipList, String logPath,
                              Duration lookback, Duration delay, Integer bufferSize, String source, Boolean metricsReporting,
                              List<ConditionDeclaration> conditions, List<Rule> rules) {
    /** NPD's default. A multi-line pattern can span at most this many lines. */
    public static final int DEFAULT_BUFFER_SIZE = 10;
    /** Guards memory and matching time against a typo (NPD has no bound). */
    public static final int MAX_BUFFER_SIZE = 1000;

    public KernelLogConfig {
        plugin = plugin == null ? SourceKind.AUTO : plugin;
        pluginConfig = pluginConfig == null ? PluginConfig.NONE : pluginConfig;
        skipList = skipList == null ? List.of() : List.copyOf(skipList);
        logPath = logPath == null ? "" : logPath;
        lookback = lookback == null ? Duration.ZERO : lookback;
        delay = delay == null ? Duration.ZERO : delay;
        bufferSize = bufferSize == null || bufferSize == 0 ? DEFAULT_BUFFER_SIZE : bufferSize;
        source = source == null || source.isBlank() ? "kernel-monitor" : source;
        metricsReporting = metricsReporting == null || metricsReporting;
        if (conditions == null && rules == null) {
            conditions = KernelRules.CONDITIONS;
            rules = KernelRules.RULES;
        }
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        rules = rules == null ? List.of() : List.copyOf(rules);

        if (lookback.isNegative()) {
            throw new IllegalArgumentException("lookback: " + lookback + " is negative; write how far back lines count on start, such as 5m");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " is negative; write how long after boot lines start to count, such as 30s");
        }
        if (bufferSize < 1 || bufferSize > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("bufferSize: " + bufferSize + " is out of range; write 1 to " + MAX_BUFFER_SIZE + " lines (NPD's default is 10)");
        }
        if (skipList.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("skipList: an empty string would drop every line; remove it");
        }
        if (plugin == SourceKind.FILELOG) {
            requirePluginKey("timestamp", pluginConfig.timestamp(), "^.{15}");
            requirePluginKey("message", pluginConfig.message(), "kernel: \\\\[\\\\s*[\\\\d.]+\\\\] (.*)");
            requirePluginKey("timestampFormat", pluginConfig.timestampFormat(), "Jan _2 15:04:05");
        }
        if (plugin == SourceKind.JOURNALD && pluginConfig.source().isEmpty()) {
            throw new IllegalArgumentException("pluginConfig.source: missing; journald needs the SYSLOG_IDENTIFIER to follow, such as \"kernel\" or \"dockerd\"");
        }
        // Checked here so that a bad file is refused when it binds, naming the entry at fault.
        new DeclaredConditions(conditions, rules);
        // Compiled exactly as the daemon's engine will compile them, so that what binds here runs there.
        CompiledRules.compile(rules);
    }

    private static void requirePluginKey(String key, String value, String example) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("pluginConfig." + key + ": missing; the filelog plugin needs it, for kern.log: \"" + key + "\": \"" + example + "\"");
        }
    }

    /** The condition types this instance owns, for {@code ProblemDaemon.conditions}. */
    public List<ConditionDeclaration> declarations() {
        return conditions;
    }

    /**
     * What this instance can report, for {@code ProblemDaemon.reasons}: each temporary rule's event
     * reason and each permanent rule's condition with its reason.
     */
    public List<ReasonDeclaration> reasons() {
        return new DeclaredConditions(conditions, rules).reasons();
    }

    /** The healthy default of {@code type}, which the constructor checked is declared. */
    public ConditionDeclaration healthy(String type) {
        return new DeclaredConditions(conditions, rules).healthy(type);
    }
}
