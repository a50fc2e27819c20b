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
        /** The instance planned, whatever became of it. */
        String instanceName();

        /** @param configVersion the content of the config file it was bound from, when it has one: a change of it is reloaded */
        record Ready(DaemonSpec spec, Optional<ConfigFileVersion> configVersion) implements Planned {
            @Override
            public String instanceName() {
                return spec.instanceName();
            }
        }

        record Disabled(String instanceName) implements Planned {
        }

        /** @param why names the instance, the file and field at fault, and what happens now */
        record Refused(String instanceName, String why) implements Planned {
        }
    }

    private final PluginHost host;
    private final ConfigBinder binder;
    /** Replaced when the agent config file is reloaded; read and replaced on the supervision thread only. */
    private AgentConfig config;

    public InstancePlanner(PluginHost host, ConfigBinder binder, AgentConfig config) {
        this.host = host;
        this.binder = binder;
        this.config = config;
    }

    /** Plans with a reloaded agent config from now on: its daemons list, onlyListedDaemons and configDir. */
    void use(AgentConfig next) {
        this.config = next;
    }

    /** Whether the agent config's {@code daemons} list names a daemon of this plugin. */
    boolean listsADaemonOf(LoadOutcome.Loaded plugin) {
        for (Class<?> daemonClass : plugin.daemons()) {
            String name;
            try {
                name = ((ProblemDaemon<?>) host.create(daemonClass)).name();
            } catch (RuntimeException | LinkageError e) {
                continue; // plan() refuses it, saying why
            }
            if (config.daemons().stream().anyMatch(d -> d.daemon().equals(name))) {
                return true;
            }
        }
        return false;
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
        try {
            Settled settled = settle(probe, file);
            return new Planned.Ready(new DaemonSpec(instance.instanceName(), probe.name(), plugin.pluginId(), plugin.version(), () -> host.create(type),
                    settled.config(), file, settled.conditions(), settled.reasons()), settled.version());
        } catch (ConfigException e) {
            return refused(instance, e.getMessage());
        }
    }

    /**
     * Binds a running instance's config file again, as it reads now: the same daemon, plugin and file,
     * new content. A refusal says the instance keeps its previous config.
     */
    public Planned rebind(DaemonSpec running) {
        String keeps = "daemon instance " + running.instanceName() + " keeps running on its previous config: ";
        ProblemDaemon<Object> probe;
        try {
            probe = running.factory().get();
        } catch (RuntimeException | LinkageError e) {
            return new Planned.Refused(running.instanceName(), keeps + "its daemon cannot be created (" + e + ")");
        }
        try {
            Settled settled = settle(probe, running.configFile());
            return new Planned.Ready(new DaemonSpec(running.instanceName(), running.daemonName(), running.pluginId(), running.pluginVersion(),
                    running.factory(), settled.config(), running.configFile(), settled.conditions(), settled.reasons()), settled.version());
        } catch (ConfigException e) {
            return new Planned.Refused(running.instanceName(), keeps + e.getMessage() + "; fix the file and it is read again");
        }
    }

    /** What binding a config settles: the config itself, the conditions and reasons it leads to, the file's version. */
    private record Settled(Object config, List<ConditionDeclaration> conditions, List<ReasonDeclaration> reasons, Optional<ConfigFileVersion> version) {
    }

    /** @throws ConfigException with what is wrong: the file does not bind, or the daemon cannot declare what it leads to */
    private Settled settle(ProblemDaemon<Object> probe, Optional<Path> file) throws ConfigException {
        Object bound;
        Optional<ConfigFileVersion> version = Optional.empty();
        if (file.isPresent()) {
            ConfigFileVersion.Read read = ConfigFileVersion.read(file.get());
            bound = binder.bind(file.get().toString(), read.text(), probe.configType());
            version = Optional.of(read.version());
        } else {
            bound = binder.defaults(probe.configType());
        }
        List<ConditionDeclaration> conditions;
        List<ReasonDeclaration> reasons;
        try {
            conditions = List.copyOf(probe.conditions(bound));
            reasons = List.copyOf(probe.reasons(bound));
        } catch (RuntimeException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        if (conditions.size() > ConditionBook.MAX_TYPES_PER_DAEMON) {
            // The book refuses it too when the instance is added; here check-config says so.
            throw new ConfigException("it declares " + conditions.size() + " condition types, at most " + ConditionBook.MAX_TYPES_PER_DAEMON
                    + " are allowed per daemon; split its config into several instances or declare fewer types");
        }
        Optional<String> undeclared = undeclaredType(reasons, conditions);
        if (undeclared.isPresent()) {
            throw new ConfigException(undeclared.get());
        }
        return new Settled(bound, conditions, reasons, version);
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
