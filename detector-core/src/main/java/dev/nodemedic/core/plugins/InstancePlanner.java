package dev.nodemedic.core.plugins;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.reporter.ConditionBook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Works out which daemon instances a loaded plugin brings and settles each one's config and
 * conditions: the agent config's {@code daemons} entries for that daemon, or one instance named
 * after the daemon (none with {@code onlyListedDaemons}). The agent runs the plan; {@code check-config} only prints it.
 */
public final class InstancePlanner {
    private static final List<String> CONFIG_SUFFIXES = List.of(".yaml", ".yml", ".json");

    /** One instance's fate. */
    public sealed interface Planned {
        record Ready(DaemonSpec spec) implements Planned {
        }

        record Disabled(String instanceName) implements Planned {
        }

        /** @param why names the instance, the file and field at fault, and what happens now */
        record Refused(String instanceName, String why) implements Planned {
        }
    }

    private final PluginHost host;
    private final ConfigBinder binder;
    private final AgentConfig config;

    public InstancePlanner(PluginHost host, ConfigBinder binder, AgentConfig config) {
        this.host = host;
        this.binder = binder;
        this.config = config;
    }

    public List<Planned> plan(LoadOutcome.Loaded plugin) {
        List<Planned> planned = new ArrayList<>();
        for (Class<?> daemonClass : plugin.daemons()) {
            @SuppressWarnings("unchecked")
            Class<ProblemDaemon<Object>> type = (Class<ProblemDaemon<Object>>) daemonClass;
            ProblemDaemon<Object> probe;
            try {
                probe = host.create(type);
                probe.name();
            } catch (RuntimeException | LinkageError e) {
                planned.add(new Planned.Refused(daemonClass.getSimpleName(), "daemon " + daemonClass.getName() + " cannot be created (" + e
                        + "); it needs a public no-argument constructor"));
                continue;
            }
            List<DaemonInstanceConfig> instances = config.daemons().stream().filter(d -> d.daemon().equals(probe.name())).toList();
            if (instances.isEmpty() && !config.onlyListedDaemons()) {
                instances = List.of(new DaemonInstanceConfig(probe.name(), null, null, true));
            }
            for (DaemonInstanceConfig instance : instances) {
                planned.add(instance.enabled() ? plan(plugin, type, probe, instance) : new Planned.Disabled(instance.instanceName()));
            }
        }
        return planned;
    }

    private Planned plan(LoadOutcome.Loaded plugin, Class<ProblemDaemon<Object>> type, ProblemDaemon<Object> probe, DaemonInstanceConfig instance) {
        Optional<Path> file = instance.configFile().or(() -> conventionalConfig(instance.instanceName()));
        Object bound;
        try {
            bound = file.isPresent() ? binder.bind(file.get(), probe.configType()) : binder.defaults(probe.configType());
        } catch (ConfigException e) {
            return refused(instance, e.getMessage());
        }
        List<ConditionDeclaration> conditions;
        List<ReasonDeclaration> reasons;
        try {
            conditions = List.copyOf(probe.conditions(bound));
            reasons = List.copyOf(probe.reasons(bound));
        } catch (RuntimeException e) {
            return refused(instance, e.getMessage());
        }
        if (conditions.size() > ConditionBook.MAX_TYPES_PER_DAEMON) {
            // The book refuses it too when the instance is added; here check-config says so.
            return refused(instance, "it declares " + conditions.size() + " condition types, at most " + ConditionBook.MAX_TYPES_PER_DAEMON
                    + " are allowed per daemon; split its config into several instances or declare fewer types");
        }
        Optional<String> undeclared = undeclaredType(reasons, conditions);
        if (undeclared.isPresent()) {
            return refused(instance, undeclared.get());
        }
        return new Planned.Ready(new DaemonSpec(instance.instanceName(), probe.name(), plugin.pluginId(), plugin.version(), () -> host.create(type),
                bound, file, conditions, reasons));
    }

    /** A reason for a condition type the daemon does not own would make a gauge for someone else's condition: a bug of the plugin. */
    private static Optional<String> undeclaredType(List<ReasonDeclaration> reasons, List<ConditionDeclaration> conditions) {
        List<String> types = conditions.stream().map(ConditionDeclaration::type).toList();
        return reasons.stream().filter(r -> r.conditionType().isPresent() && !types.contains(r.conditionType().get())).findFirst()
                .map(r -> "its reasons() declare " + r.reason() + " for condition type " + r.conditionType().get()
                        + ", which its conditions() do not declare (declared: " + types + ")");
    }

    /** {@code <configDir>/<instance>.yaml} (or .yml, .json) when it exists: config without editing the agent config. */
    private Optional<Path> conventionalConfig(String instanceName) {
        return CONFIG_SUFFIXES.stream().map(suffix -> config.configDir().resolve(instanceName + suffix)).filter(Files::isRegularFile).findFirst();
    }

    private static Planned refused(DaemonInstanceConfig instance, String why) {
        return new Planned.Refused(instance.instanceName(), "daemon instance " + instance.instanceName() + " is not started: " + why + "; the other daemons run");
    }
}
